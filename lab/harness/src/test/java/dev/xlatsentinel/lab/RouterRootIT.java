package dev.xlatsentinel.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Debian 13 router root (lab/router-root, built here when the machine has none): each
 * of its routers runs in a lab namespace through chroot, FRR 10 with its whole daemon set,
 * BIRD 3 tracks a static route with BFD against BIRD 2.17, keepalived 2.3 peers with them,
 * and no mount of the root outlives the lab.
 */
class RouterRootIT {
    private static final Duration UP = Duration.ofSeconds(20);

    @Test
    void debian13RoutersRunInLabNamespacesAndLeaveNoMountBehind() throws Exception {
        RouterRoot root = RouterRoot.get();
        assertThat(root.version("frr")).startsWith("10.3");
        assertThat(root.version("bird2")).startsWith("2.17");
        assertThat(root.version("bird3")).startsWith("3.1");
        assertThat(root.version("keepalived")).startsWith("2.3.3");
        try (Lab lab = Lab.open("router-root")) {
            Netns router = lab.netns("router");
            Netns gw = lab.netns("gw");
            Netns ka = lab.netns("ka");
            Netns frrNs = lab.netns("frr");
            Netns sw = lab.netns("sw");
            sw.ip("link", "add", "br0", "type", "bridge");
            sw.up("br0");
            int port = 0;
            for (Netns n : List.of(router, gw, ka, frrNs)) {
                lab.link(sw, "p" + port, n, "eth0");
                sw.ip("link", "set", "p" + port, "master", "br0");
                port++;
            }
            router.addr("eth0", "2001:db8:ff::1/64");
            gw.addr("eth0", "2001:db8:ff::a/64");
            ka.addr("eth0", "2001:db8:ff::c/64");
            frrNs.addr("eth0", "2001:db8:ff::d/64");

            Bird bird3 = Bird.start(router, """
                    router id 10.255.0.1;
                    protocol device {}
                    protocol kernel { ipv6 { export all; }; }
                    protocol bfd { interface "eth0" { min rx interval 50 ms; min tx interval 50 ms; multiplier 3; }; }
                    protocol static nat64 { ipv6; route 64:ff9b::/96 via 2001:db8:ff::a bfd; }
                    """, Bird.Build.BIRD3_DEBIAN13);
            assertThat(bird3.birdc("show status")).contains("BIRD 3.1");
            Bird bird2 = Bird.start(gw, """
                    router id 10.255.0.10;
                    protocol device {}
                    protocol bfd {
                      interface "eth0" { min rx interval 50 ms; min tx interval 50 ms; multiplier 3; };
                      neighbor 2001:db8:ff::1 dev "eth0" local 2001:db8:ff::a;
                    }
                    """, Bird.Build.BIRD2_DEBIAN13);
            assertThat(bird2.birdc("show status")).contains("BIRD 2.17");
            Poll.until(UP, Duration.ofMillis(50), "BIRD 3 tracks its route with BFD to BIRD 2.17",
                    () -> router.ip("-6", "route", "show", "64:ff9b::/96").contains("via 2001:db8:ff::a"),
                    () -> bird3.birdc("show bfd sessions"));

            Keepalived k = Keepalived.start(ka, Keepalived.Build.KEEPALIVED_DEBIAN13,
                    List.of(new Keepalived.BfdInstance("router", "2001:db8:ff::1", "2001:db8:ff::c", 50, 50, 3, false)));
            bird3.reconfigure(Files.readString(bird3.config()).replace("multiplier 3; }; }",
                    "multiplier 3; }; neighbor 2001:db8:ff::c dev \"eth0\" local 2001:db8:ff::1; }"));
            Poll.until(UP, Duration.ofMillis(50), "keepalived 2.3 Up with BIRD 3",
                    () -> k.state("router").equals("Up"), () -> k.daemon().logText());

            Frr frr = Frr.start(frrNs, Frr.Build.FRR10_DEBIAN13, """
                    bfd
                     peer 2001:db8:ff::1 local-address 2001:db8:ff::d interface eth0
                      receive-interval 50
                      transmit-interval 50
                     exit
                    exit
                    """, "staticd", "bfdd");
            assertThat(frr.vtysh("show version").orThrow()).contains("FRRouting 10.3");
            assertThat(frr.daemon("mgmtd").isAlive()).isTrue();
            // FRR 10's zebra without a working mgmtd connection logs without end: here it is quiet.
            assertThat(frr.daemon("zebra").logText().lines().count()).isLessThan(100);
        }
        assertThat(mountsUnder(root.dir())).isEmpty();
    }

    private static List<String> mountsUnder(Path dir) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(" " + dir + "/") || l.contains(" " + dir + " ")).toList();
    }
}
