package dev.xlatsentinel.frr.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xlatsentinel.frr.config.RunningConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteModelTest {
    private final RouteModel model = new RouteModel();

    private static RunningConfig fixture(String name) throws IOException {
        try (InputStream in = RouteModelTest.class.getResourceAsStream(name)) {
            return RunningConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void recordedStaticdConfigParses() throws IOException {
        assertThat(RouteModel.staticRoutes(fixture("running-config-staticd-8.4.4.txt"))).containsExactly(
                StaticRoute.via("100.64.0.0/10", "10.0.0.1"), StaticRoute.via("64:ff9b::/96", "2001:db8:ff::1"));
    }

    @Test
    void recordedBgpdConfigParses() throws IOException {
        RunningConfig rc = fixture("running-config-bgpd-8.4.4.txt");
        assertThat(RouteModel.bgpNetworks(rc)).containsExactly(new BgpNetwork(65001, "100.64.0.0/10"),
                new BgpNetwork(65001, "64:ff9b::/96"));
        assertThat(RouteModel.bgpInstances(rc)).containsExactly(65001L);
    }

    @Test
    void staticLinesWithOptionsParseOrAreLeftAlone() {
        RunningConfig rc = RunningConfig.parse("""
                ipv6 route 64:ff9b::/96 2001:db8:ff::1 eth0 tag 7 20
                ipv6 route 2001:db8:1::/64 eth1
                ipv6 route 2001:db8:2::/64 2001:db8:ff::1 table 10
                ip route 0.0.0.0/0 blackhole
                """);
        assertThat(RouteModel.staticRoutes(rc)).containsExactly(
                new StaticRoute("64:ff9b::/96", "2001:db8:ff::1", "eth0", 20),
                new StaticRoute("2001:db8:1::/64", null, "eth1", null));
    }

    @Test
    void plansAreTheLinesStaticdAndBgpdTake() {
        StaticRoute r = StaticRoute.via("64:ff9b::/96", "2001:db8:ff::1");
        assertThat(model.plan(r, Optional.empty(), Optional.of(r))).containsExactly("ipv6 route 64:ff9b::/96 2001:db8:ff::1");
        assertThat(model.plan(r, Optional.of(r), Optional.of(r))).isEmpty();
        assertThat(model.plan(r, Optional.of(r), Optional.empty()))
                .containsExactly("no ipv6 route 64:ff9b::/96 2001:db8:ff::1");
        StaticRoute d5 = new StaticRoute("64:ff9b::/96", "2001:db8:ff::1", null, 5);
        assertThat(model.plan(r, Optional.of(d5), Optional.of(r))).containsExactly(
                "ipv6 route 64:ff9b::/96 2001:db8:ff::1", "no ipv6 route 64:ff9b::/96 2001:db8:ff::1 5");
        assertThat(new StaticRoute("64:ff9b::/96", "2001:db8:ff::1", null, 1)).isEqualTo(r);
        BgpNetwork n = new BgpNetwork(65001, "64:ff9b::/96");
        assertThat(model.plan(n, Optional.of(n), Optional.empty()))
                .containsExactly("router bgp 65001", "address-family ipv6 unicast", "no network 64:ff9b::/96");
    }

    @Test
    void specsComeFromYamlShapedJsonAndNameBadFields() throws IOException {
        ObjectMapper json = new ObjectMapper();
        RouteSpec r = json.readValue("{\"kind\": \"static\", \"prefix\": \"64:ff9b::/96\", \"nexthop\": \"2001:db8:ff::1\"}",
                RouteSpec.class);
        assertThat(r).isEqualTo(StaticRoute.via("64:ff9b::/96", "2001:db8:ff::1"));
        assertThat(json.readValue("{\"kind\": \"bgp-network\", \"asn\": 65001, \"prefix\": \"64:ff9b::/96\"}",
                RouteSpec.class)).isEqualTo(new BgpNetwork(65001, "64:ff9b::/96"));
        assertThatThrownBy(() -> StaticRoute.via("64:ff9b::1/96", "2001:db8:ff::1"))
                .hasMessage("prefix: 64:ff9b::1/96 has host bits set");
        assertThatThrownBy(() -> StaticRoute.via("64:ff9b::/96", "10.0.0.1")).hasMessageStartingWith("nexthop:");
        assertThatThrownBy(() -> new BgpNetwork(0, "64:ff9b::/96")).hasMessageStartingWith("asn:");
    }
}
