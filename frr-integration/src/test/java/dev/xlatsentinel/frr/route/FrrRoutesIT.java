package dev.xlatsentinel.frr.route;

import static dev.xlatsentinel.frr.lab.GatewayLab.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xlatsentinel.frr.config.ConfigConflictException;
import dev.xlatsentinel.frr.config.DesiredState.Outcome;
import dev.xlatsentinel.frr.lab.GatewayLab;
import dev.xlatsentinel.frr.vty.CommandRejected;
import dev.xlatsentinel.frr.vty.VtyClient;
import dev.xlatsentinel.frr.vty.VtyEndpoint;
import dev.xlatsentinel.lab.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Route withdraw/restore against real zebra + staticd + bgpd (FRR 8.4) on the gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrrRoutesIT {
    private static final Duration UP = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StaticRoute NAT64 = StaticRoute.via(PREFIX, GatewayLab.ROUTER_ADDR);

    private GatewayLab net;
    private VtyClient zebra;
    private VtyClient bgpd;

    @BeforeAll
    void startLab() {
        net = GatewayLab.start("frr-route", "staticd", "bgpd");
        net.frr.applyConfig("""
                router bgp 65001
                 no bgp ebgp-requires-policy
                 no bgp network import-check
                !
                """);
        zebra = VtyClient.start(new VtyEndpoint(net.frr.vtyDir(), "zebra"), GatewayLab.VTY, s -> { });
        bgpd = VtyClient.start(new VtyEndpoint(net.frr.vtyDir(), "bgpd"), GatewayLab.VTY, s -> { });
        assertThat(zebra.awaitReachable(UP)).isTrue();
        assertThat(bgpd.awaitReachable(UP)).isTrue();
    }

    @AfterAll
    void stopLab() {
        if (zebra != null) {
            zebra.close();
            bgpd.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private static JsonNode json(VtyClient c, String command) {
        try {
            return JSON.readTree(c.execute(command));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean zebraHas(String prefix) {
        return json(zebra, "show ipv6 route json").has(prefix);
    }

    private boolean bgpHas(String prefix) {
        return json(bgpd, "show bgp ipv6 unicast json").path("routes").has(prefix);
    }

    @Test
    void staticRouteIsWithdrawnAndRestoredInZebrasTable() {
        try (FrrRoutes routes = FrrRoutes.open(new FrrRoutesConfig(net.frr.vtyDir(), GatewayLab.VTY, null))) {
            assertThat(routes.restore(NAT64)).isEqualTo(Outcome.CHANGED);
            Poll.until(UP, "route in zebra", () -> zebraHas(PREFIX));
            long trips = routes.client(NAT64).roundTrips();
            assertThat(routes.restore(NAT64)).isEqualTo(Outcome.UNCHANGED);
            assertThat(routes.client(NAT64).roundTrips()).isEqualTo(trips);

            assertThat(routes.withdraw(NAT64)).isEqualTo(Outcome.CHANGED);
            Poll.until(UP, "route gone from zebra", () -> !zebraHas(PREFIX));
            assertThat(routes.isConfigured(NAT64)).isFalse();
            assertThat(routes.withdraw(NAT64)).isEqualTo(Outcome.UNCHANGED);

            assertThat(routes.restore(NAT64)).isEqualTo(Outcome.CHANGED);
            Poll.until(UP, "route back in zebra", () -> zebraHas(PREFIX));
            assertThat(json(zebra, "show ipv6 route json").path(PREFIX).get(0).path("protocol").asText())
                    .isEqualTo("static");
        }
    }

    @Test
    void staticdRestartGetsTheWithdrawalBack() {
        StaticRoute other = StaticRoute.via("2001:db8:64::/96", GatewayLab.ROUTER_ADDR);
        try (FrrRoutes routes = FrrRoutes.open(new FrrRoutesConfig(net.frr.vtyDir(), GatewayLab.VTY, null))) {
            routes.restore(other);
            Poll.until(UP, "route in zebra", () -> zebraHas("2001:db8:64::/96"));
            net.frr.daemon("staticd").signal("KILL");
            net.frr.daemon("staticd").awaitExit(Duration.ofSeconds(5));
            Poll.until(UP, "client notices staticd is gone",
                    () -> !routes.status().get("staticd").reachable());
            net.frr.startDaemon("staticd");
            assertThat(routes.client(other).awaitReachable(UP)).isTrue();
            assertThat(routes.isConfigured(other)).as("restarted staticd has its route back").isTrue();
            Poll.until(UP, "route back in zebra", () -> zebraHas("2001:db8:64::/96"));
            routes.withdraw(other);
        }
    }

    @Test
    void bgpNetworkIsWithdrawnAndRestored() {
        BgpNetwork net64 = new BgpNetwork(65001, PREFIX);
        try (FrrRoutes routes = FrrRoutes.open(new FrrRoutesConfig(net.frr.vtyDir(), GatewayLab.VTY, null))) {
            assertThat(routes.restore(net64)).isEqualTo(Outcome.CHANGED);
            Poll.until(UP, "network in BGP", () -> bgpHas(PREFIX));
            assertThat(routes.withdraw(net64)).isEqualTo(Outcome.CHANGED);
            Poll.until(UP, "network gone from BGP", () -> !bgpHas(PREFIX));
            assertThat(routes.withdraw(net64)).isEqualTo(Outcome.UNCHANGED);

            long trips = routes.client(net64).roundTrips();
            assertThatThrownBy(() -> routes.restore(new BgpNetwork(65002, PREFIX)))
                    .isInstanceOf(ConfigConflictException.class).hasMessageContaining("no 'router bgp 65002'");
            assertThat(routes.client(net64).roundTrips()).as("only the read").isEqualTo(trips + 1);
            assertThat(bgpd.execute("show running-config")).doesNotContain("65002");
        }
    }

    @Test
    void staticdsRefusalInTextOnlyIsStillATypedError() {
        try (FrrRoutes routes = FrrRoutes.open(new FrrRoutesConfig(net.frr.vtyDir(), GatewayLab.VTY, null))) {
            // staticd answers CMD_SUCCESS with "% Refusing to remove a non-existent route".
            assertThatThrownBy(() -> routes.client(NAT64).call(s -> {
                s.configure(java.util.List.of("no ipv6 route 2001:db8:66::/64 2001:db8:ff::1"));
                return null;
            })).isInstanceOf(CommandRejected.ConfigFailed.class)
                    .hasMessageContaining("% Refusing to remove a non-existent route");
        }
    }
}
