package dev.xlatsentinel.translator.lab;

import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Tayga;
import dev.xlatsentinel.translator.netns.ProbeNamespaceSetup;
import java.util.List;

/**
 * A NAT64 gateway with real TAYGA for the translator tests and the benchmark:
 *
 * <pre>
 *  probe ns (made by ProbeNamespaceSetup)   gw ns (TAYGA, TUN nat64)            server ns
 *  pr0 2001:db8:ffff::2/64 --------- p0 2001:db8:ffff::1/64
 *                                         s0 100.64.0.1/24 ------------------- eth0 100.64.0.10/24
 *                                         default via 100.64.0.10               lo 100.64.9.9, 100.64.9.10
 * </pre>
 * The targets (100.64.9.x) are reached only through gw's IPv4 default route, so removing it
 * is a fault. The pool 100.64.255.0/24 is routed back to gw by the server's default route.
 */
public final class TaygaGateway {
    public static final String PREFIX = "64:ff9b::/96";
    public static final String TUN = "nat64";
    public static final List<String> TARGETS = List.of("100.64.9.9", "100.64.9.10");
    public static final String PROBE_SOURCE = "2001:db8:ffff::2";

    public final Lab lab;
    public final Netns gw;
    public final Netns server;
    public final Tayga tayga;
    public final String probeNamespace;

    public TaygaGateway(Lab lab) {
        this.lab = lab;
        gw = lab.netns("gw");
        server = lab.netns("server");
        lab.link(gw, "s0", server, "eth0");
        gw.addr("s0", "100.64.0.1/24");
        gw.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1");
        server.addr("eth0", "100.64.0.10/24").addr("lo", "100.64.9.9/32").addr("lo", "100.64.9.10/32");
        server.ip("route", "add", "default", "via", "100.64.0.1");
        gw.ip("route", "add", "default", "via", "100.64.0.10");
        tayga = Tayga.start(gw, new Tayga.Config(TUN, "100.64.255.1", PREFIX, "100.64.255.0/24",
                "2001:db8:ffff::64"));
        probeNamespace = lab.prefix() + "-probe";
        lab.register(() -> ProbeNamespaceSetup.remove(probeNamespace));
        ProbeNamespaceSetup.ensure(new ProbeNamespaceSetup.Plan(probeNamespace, gw.name(), "pr0", "p0",
                PROBE_SOURCE + "/64", "2001:db8:ffff::1/64"));
    }

    /** Drops translated traffic toward the targets on gw's IPv4 side. */
    public void dropTranslated() {
        gw.run("nft", "add table inet xsfault; add chain inet xsfault out4 { type filter hook forward priority 0; };"
                + " add rule inet xsfault out4 oifname s0 ip daddr 100.64.9.0/24 drop");
    }

    public void undropTranslated() {
        gw.run("nft", "delete table inet xsfault");
    }

    public void removeEgressRoute() {
        gw.ip("route", "del", "default", "via", "100.64.0.10");
    }

    public void restoreEgressRoute() {
        gw.ip("route", "add", "default", "via", "100.64.0.10");
    }

    public void tunDown() {
        gw.ip("link", "set", TUN, "down");
    }

    /** Sets the TUN up again; the kernel drops its routes when it went down, so they come back too. */
    public void tunUp() {
        gw.ip("link", "set", TUN, "up");
        Cmd.exec(gw.inside("ip", "route", "replace", "100.64.255.0/24", "dev", TUN)).orThrow();
        Cmd.exec(gw.inside("ip", "-6", "route", "replace", PREFIX, "dev", TUN)).orThrow();
    }
}
