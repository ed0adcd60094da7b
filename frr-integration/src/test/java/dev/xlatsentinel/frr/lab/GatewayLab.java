package dev.xlatsentinel.frr.lab;

import dev.xlatsentinel.frr.vty.VtyClientConfig;
import dev.xlatsentinel.lab.Bird;
import dev.xlatsentinel.lab.Frr;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import java.time.Duration;

/**
 * The topology the FRR ITs share: an upstream router (BIRD 2) with a static route to the
 * NAT64 prefix via the gateway, tracked by BFD, and the gateway running FRR daemons (Debian
 * 12's 8.4, or Debian 13's 10.3 with its mgmtd) with their vty sockets in the lab's run
 * directory.
 *
 * <pre>
 *   router (BIRD)  eth0 2001:db8:ff::1/64 ---- eth0 2001:db8:ff::a/64  gw (zebra, bfdd, ...)
 *   route 64:ff9b::/96 via 2001:db8:ff::a bfd
 * </pre>
 */
public final class GatewayLab implements AutoCloseable {
    public static final String PREFIX = "64:ff9b::/96";
    public static final String ROUTER_ADDR = "2001:db8:ff::1";
    public static final String GW_ADDR = "2001:db8:ff::a";
    /** Quick to reconnect, generous on replies: the ITs check "works" against "never". */
    public static final VtyClientConfig VTY = new VtyClientConfig(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofMillis(100));

    public final Lab lab;
    public final Netns router;
    public final Netns gw;
    public final Bird bird;
    public final Frr frr;

    private GatewayLab(Lab lab, Netns router, Netns gw, Bird bird, Frr frr) {
        this.lab = lab;
        this.router = router;
        this.gw = gw;
        this.bird = bird;
        this.frr = frr;
    }

    /** Starts everything; FRR 8.4 runs zebra plus {@code daemons} with an empty configuration. */
    public static GatewayLab start(String label, String... daemons) {
        return start(label, Frr.Build.DEBIAN12, daemons);
    }

    /** The same with {@code build}'s FRR on the gateway. */
    public static GatewayLab start(String label, Frr.Build build, String... daemons) {
        Lab lab = Lab.open(label);
        try {
            Netns router = lab.netns("router");
            Netns gw = lab.netns("gw");
            lab.link(router, "eth0", gw, "eth0");
            router.addr("eth0", ROUTER_ADDR + "/64");
            gw.addr("eth0", GW_ADDR + "/64");
            Bird bird = Bird.start(router, """
                    router id 10.255.0.1;
                    protocol device {}
                    protocol bfd { interface "eth0" { min rx interval 50 ms; min tx interval 50 ms; multiplier 3; }; }
                    protocol static nat64 {
                      ipv6;
                      route %s via %s bfd;
                    }
                    """.formatted(PREFIX, GW_ADDR));
            Frr frr = Frr.start(gw, build, "", daemons);
            return new GatewayLab(lab, router, gw, bird, frr);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** BIRD's BFD session to the gateway, as BIRD names its state ("Up", "Down", ...), or "none". */
    public String birdSessionState() {
        return bird.bfdSession(GW_ADDR).map(Bird.BfdSessionRow::state).orElse("none");
    }

    @Override
    public void close() {
        lab.close();
    }
}
