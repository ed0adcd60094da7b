package dev.xlatsentinel.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The harness against the real tools: what every other module's integration tests stand on. */
class LabIT {
    private static final Duration UP = Duration.ofSeconds(20);

    @Test
    void namespacesLinkAndEverythingIsRemovedAtClose() {
        Lab lab = Lab.open("harness-link");
        String a;
        try (lab) {
            Netns na = lab.netns("a");
            Netns nb = lab.netns("b");
            a = na.name();
            lab.link(na, "eth0", nb, "eth0");
            na.addr("eth0", "2001:db8:1::1/64").addr("eth0", "100.64.1.1/24");
            nb.addr("eth0", "2001:db8:1::2/64").addr("eth0", "100.64.1.2/24");
            assertThat(na.ping("2001:db8:1::2", 1)).isTrue();
            assertThat(na.ping("100.64.1.2", 1)).isTrue();
            assertThat(na.ping(nb.linkLocal("eth0") + "%eth0", 1)).isTrue();
            na.start("sleeper", "sleep", "600");
            assertThat(lab.leftovers()).hasSize(2);
        }
        assertThat(lab.leftovers()).isEmpty();
        assertThat(Cmd.run("ip", "netns", "list")).doesNotContain(a);
        assertThat(Files.exists(lab.dir())).isFalse();
    }

    @Test
    void executorThreadOpensSocketsInsideTheNamespace() throws Exception {
        try (Lab lab = Lab.open("harness-setns")) {
            Netns ns = lab.netns("a");
            Netns peer = lab.netns("b");
            lab.link(ns, "eth0", peer, "eth0");
            ns.addr("eth0", "100.64.2.1/24");
            // The address exists only inside the namespace: binding it works only there.
            DatagramSocket s = ns.call(() -> new DatagramSocket(new InetSocketAddress(
                    InetAddress.getByName("100.64.2.1"), 0)));
            try (s) {
                assertThat(s.getLocalAddress().getHostAddress()).isEqualTo("100.64.2.1");
            }
            assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName("100.64.2.1"), 0)))
                    .isInstanceOf(java.net.BindException.class);
        }
    }

    @Test
    void birdTracksAStaticRouteWithBfdToFrrBfdd() {
        try (Lab lab = Lab.open("harness-bfd")) {
            Netns router = lab.netns("router");
            Netns gw = lab.netns("gw");
            lab.link(router, "eth0", gw, "eth0");
            router.addr("eth0", "2001:db8:ff::1/64");
            gw.addr("eth0", "2001:db8:ff::a/64");
            Bird bird = Bird.start(router, """
                    router id 10.255.0.1;
                    protocol device {}
                    protocol bfd { interface "eth0" { min rx interval 50 ms; min tx interval 50 ms; multiplier 3; }; }
                    protocol static nat64 {
                      ipv6;
                      route 64:ff9b::/96 via 2001:db8:ff::a bfd;
                    }
                    """);
            Frr frr = Frr.start(gw, """
                    bfd
                     peer 2001:db8:ff::1 local-address 2001:db8:ff::a interface eth0
                      receive-interval 50
                      transmit-interval 50
                     !
                    !
                    """, "bfdd");
            Poll.until(UP, Duration.ofMillis(50), "BFD Up at BIRD",
                    () -> bird.bfdSession("2001:db8:ff::a").map(r -> r.state().equals("Up")).orElse(false),
                    () -> bird.birdc("show bfd sessions"));
            Poll.until(UP, "route via gw", () -> bird.hasRoute("64:ff9b::/96"));
            JsonNode peers = frr.json("show bfd peers json");
            assertThat(peers.get(0).get("status").asText()).isEqualTo("up");

            frr.vtysh("configure terminal", "bfd", "peer 2001:db8:ff::1 local-address 2001:db8:ff::a interface eth0",
                    "shutdown").orThrow();
            Poll.until(UP, "route withdrawn after the peer's shutdown", () -> !bird.hasRoute("64:ff9b::/96"));
        }
    }

    @Test
    void taygaTranslatesBetweenNamespaces() {
        try (Lab lab = Lab.open("harness-tayga")) {
            Netns client = lab.netns("client");
            Netns gw = lab.netns("gw");
            Netns server = lab.netns("server");
            lab.link(client, "eth0", gw, "c0");
            lab.link(gw, "s0", server, "eth0");
            client.addr("eth0", "2001:db8:c::2/64").ip("-6", "route", "add", "default", "via", "2001:db8:c::1");
            gw.addr("c0", "2001:db8:c::1/64").addr("s0", "100.64.0.1/24");
            gw.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1");
            server.addr("eth0", "100.64.0.10/24").ip("route", "add", "default", "via", "100.64.0.1");
            Tayga tayga = Tayga.start(gw, new Tayga.Config("nat64", "100.64.255.1", "64:ff9b::/96",
                    "100.64.255.0/24", "2001:db8:c::64"));
            assertThat(client.ping("64:ff9b::100.64.0.10", 2)).isTrue();

            tayga.daemon().signal("KILL");
            tayga.daemon().awaitExit(Duration.ofSeconds(5));
            assertThat(client.ping("64:ff9b::100.64.0.10", 1)).isFalse();
            tayga.startDaemon();
            Poll.until(UP, Duration.ofMillis(200), "translation back after restart",
                    () -> client.ping("64:ff9b::100.64.0.10", 1), () -> "");
        }
    }
}
