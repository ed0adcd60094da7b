package dev.xlatsentinel.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lab topology with today's setup (FRR bfdd on each gateway, as the seed runs it): the
 * traffic flows through gwa; a killed TAYGA black-holes it while BFD stays Up; only a
 * shutdown of gwa's BFD peer moves it to gwb. The problem xlat-sentinel exists for.
 */
class Nat64LabIT {
    private static final Duration T = Duration.ofSeconds(20);

    @Test
    void todaysSetupBlackHolesAKilledTranslatorUntilBfdIsShutByHand() {
        try (Lab lab = Lab.open("nat64-baseline")) {
            // 100 ms x 3: what is shown here does not depend on speed, and 10 ms can flap on a busy machine.
            Nat64Lab n = Nat64Lab.build(lab, Nat64Lab.Options.defaults()
                    .withBfd(new Nat64Lab.RouterBfd(Duration.ofMillis(100), Duration.ofMillis(100), 3)));
            java.util.Map<String, Frr> bfdd = new java.util.HashMap<>();
            for (Nat64Lab.Gateway g : n.gateways()) {
                bfdd.put(g.name(), Frr.start(g.ns(), bfddPeer(g), "bfdd"));
            }
            Poll.until(T, Duration.ofMillis(50), "both BFD sessions Up at the router",
                    () -> n.bird().bfdSessions().stream().filter(r -> r.state().equals("Up")).count() == 2,
                    () -> n.bird().birdc("show bfd sessions"));
            Poll.until(T, "route via gwa", () -> n.routerGateways().equals(List.of("gwa")));
            // Probe namespaces reach the targets through their own gateway.
            assertThat(n.gateway("gwa").probe().ping(Nat64Lab.TARGETS6.get(1), 1)).isTrue();

            List<UdpStream.Packet> before = UdpStream.run(n.client(), Nat64Lab.TARGETS6.get(0), 200,
                    Duration.ofMillis(1), Duration.ofMillis(500));
            assertThat(UdpStream.lost(before)).isLessThan(5);
            assertThat(before).filteredOn(UdpStream.Packet::delivered)
                    .allMatch(p -> n.gatewayOfPoolAddress(p.via()).name().equals("gwa"));

            Nat64Lab.Gateway gwa = n.gateway("gwa");
            RouteMonitor routes = RouteMonitor.start(n.router());
            gwa.killTayga();
            List<UdpStream.Packet> broken = UdpStream.run(n.client(), Nat64Lab.TARGETS6.get(0), 200,
                    Duration.ofMillis(1), Duration.ofMillis(300));
            assertThat(UdpStream.lost(broken)).isEqualTo(200);
            assertThat(n.routerGateways()).containsExactly("gwa");

            bfdd.get("gwa").vtysh("configure terminal", "bfd", "peer " + Nat64Lab.ROUTER_LAN + " local-address "
                    + gwa.lanAddress() + " interface " + Nat64Lab.LAN_IF, "shutdown").orThrow();
            long shutAt = UdpStream.nowMicros();
            Poll.until(T, "route via gwb", () -> n.routerGateways().equals(List.of("gwb")));
            Poll.until(T, "the route change seen by ip monitor", () -> routes.events(Nat64Lab.PREFIX).stream()
                    .anyMatch(e -> !e.deleted() && e.route().contains("via 2001:db8:ff::b")));
            assertThat(routes.events(Nat64Lab.PREFIX)).filteredOn(e -> e.route().contains("via 2001:db8:ff::b"))
                    .allMatch(e -> e.micros() >= shutAt - 1_000_000);
            List<UdpStream.Packet> after = UdpStream.run(n.client(), Nat64Lab.TARGETS6.get(0), 200,
                    Duration.ofMillis(1), Duration.ofMillis(500));
            assertThat(after).filteredOn(UdpStream.Packet::delivered).hasSizeGreaterThan(190)
                    .allMatch(p -> n.gatewayOfPoolAddress(p.via()).name().equals("gwb"));
        }
    }

    private static String bfddPeer(Nat64Lab.Gateway g) {
        return "bfd\n peer " + Nat64Lab.ROUTER_LAN + " local-address " + g.lanAddress() + " interface "
                + Nat64Lab.LAN_IF + "\n  receive-interval 100\n  transmit-interval 100\n !\n!\n";
    }
}
