package dev.xlatsentinel.translator.lab;

import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Tayga;
import dev.xlatsentinel.platform.net.InterfaceAddress;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.net.IpPrefix;
import dev.xlatsentinel.translator.config.HealthSpec;
import dev.xlatsentinel.translator.config.IcmpProbeSpec;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.config.ProbeNamespaceSpec;
import dev.xlatsentinel.translator.config.RouteProbeSpec;
import dev.xlatsentinel.translator.config.TaygaProbeSpec;
import dev.xlatsentinel.translator.config.TranslatorConfig;
import dev.xlatsentinel.translator.datapath.Nat64Prefix;
import dev.xlatsentinel.translator.netns.ProbeNamespaceSetup;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    /** Builds the gateway; the probe namespace is made here too unless {@code probeNamespaceFromConfig}. */
    public TaygaGateway(Lab lab, boolean probeNamespaceFromConfig) {
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
        if (!probeNamespaceFromConfig) {
            ProbeNamespaceSetup.ensure(new ProbeNamespaceSetup.Plan(probeNamespace, gw.name(), "pr0", "p0",
                    InterfaceAddress.parse(PROBE_SOURCE + "/64"), InterfaceAddress.parse("2001:db8:ffff::1/64")));
        }
    }

    public TaygaGateway(Lab lab) {
        this(lab, false);
    }

    /**
     * The agent's config for this gateway: the probe namespace (created if missing), ICMP
     * through TAYGA to both targets (1 of 2 required), TAYGA's own signals and gw's IPv4
     * default route.
     */
    public TranslatorConfig config(int rise, int fall, Duration interval, Duration fast, Duration timeout) {
        return new TranslatorConfig(Map.of("tayga", new InstanceSpec(gw.name(),
                new ProbeNamespaceSpec(probeNamespace, true, "pr0", "p0", InterfaceAddress.parse(PROBE_SOURCE + "/64"),
                        InterfaceAddress.parse("2001:db8:ffff::1/64")),
                new HealthSpec(rise, fall, interval, fast, timeout, null),
                List.of(new IcmpProbeSpec("icmp", Nat64Prefix.parse(PREFIX), TARGETS.stream().map(IpAddresses::ipv4)
                        .toList(), 1, IpAddresses.ipv6(PROBE_SOURCE), null),
                        new TaygaProbeSpec("tayga", tayga.pidFile().toString(), TUN, null, null),
                        new RouteProbeSpec("egress", IpPrefix.parse("0.0.0.0/0"), null, null)))));
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
