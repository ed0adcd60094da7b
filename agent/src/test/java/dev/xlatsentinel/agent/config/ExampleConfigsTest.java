package dev.xlatsentinel.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.SessionConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The example configs shipped in the package load and mean what their comments say. */
class ExampleConfigsTest {
    private static final Path EXAMPLES = Path.of("src/main/config/examples");

    @Test
    void taygaGatewayExampleBuildsOneTenMillisecondSession() throws Exception {
        LoadedConfig c = ConfigLoader.load(EXAMPLES.resolve("tayga-gateway.yaml"));
        assertThat(c.config().instances()).containsOnlyKeys("tayga");
        SessionConfig s = c.bfdSessions().get("nat64").get(0);
        assertThat(s.hop()).isEqualTo(HopMode.SINGLE_HOP);
        assertThat(s.desiredMinTxMicros()).isEqualTo(10_000);
        assertThat(s.detectMult()).isEqualTo(3);
        assertThat(s.iface()).isEqualTo("eth0");
        assertThat(c.config().agent().damping().minHold()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void seedLayoutHasThreeInstancesEachWithItsOwnNextHop() throws Exception {
        LoadedConfig c = ConfigLoader.load(EXAMPLES.resolve("jool-seed.yaml"));
        assertThat(c.config().instances()).containsOnlyKeys("lower", "upper", "siit");
        assertThat(c.bfdSessions()).containsOnlyKeys("nat64-lower", "nat64-upper", "siit");
        assertThat(c.bfdSessions().values()).extracting(l -> l.get(0).local().getHostAddress())
                .containsExactly("2001:db8:ff:0:0:0:0:a1", "2001:db8:ff:0:0:0:0:a2", "2001:db8:ff:0:0:0:0:a3");
        assertThat(c.config().services().get("nat64-upper").dependsOn()).containsExactly("upper");
        assertThat(c.config().agent().hooks()).hasSize(1);
    }

    @Test
    void partitionedSeedIsGatewayGw1OfATwoGatewayPlanWithItsLowerAndUpperServicesInIt() throws Exception {
        LoadedConfig c = ConfigLoader.load(EXAMPLES.resolve("jool-partitioned.yaml"));
        PartitionsCheck.Result plan = PartitionsCheck.check(c.config());
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.self()).isEqualTo("gw1");
        assertThat(plan.services()).containsExactlyInAnyOrder("nat64-lower", "nat64-upper");
        assertThat(plan.plan().gateways()).containsExactly("gw1", "gw2");
    }

    @Test
    void frrModeExampleHasAPeerAndARouteAndNoNativeSession() throws Exception {
        LoadedConfig c = ConfigLoader.load(EXAMPLES.resolve("frr-mode.yaml"));
        ServiceConfig s = c.config().services().get("nat64");
        assertThat(s.bfd()).isEmpty();
        assertThat(s.frrPeers()).hasSize(1);
        assertThat(s.frrPeers().get(0).effectiveReceiveIntervalMs()).isEqualTo(50);
        assertThat(s.frrRoutes()).hasSize(1);
    }
}
