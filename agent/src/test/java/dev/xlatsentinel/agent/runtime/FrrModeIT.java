package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.lab.AgentProcess;
import dev.xlatsentinel.lab.Frr;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent in frr mode: gwa keeps FRR's bfdd (and staticd) as the gateway's BFD speaker and
 * route origin, and the agent drives them through their vty sockets; once with Debian 12's
 * FRR 8.4 on gwa, once with Debian 13's FRR 10.3. gwb runs plain bfdd
 * with a configured peer, as today. A translator fault shuts gwa's bfdd peer down (BIRD
 * withdraws) and removes gwa's staticd route; the repair brings both back.
 */
class FrrModeIT {
    private static final Duration T = Duration.ofSeconds(30);

    @ParameterizedTest
    @EnumSource(Frr.Build.class)
    void aTranslatorFaultShutsTheBfddPeerDownAndRemovesTheRouteAndTheRepairUndoesBoth(Frr.Build build) {
        try (Lab lab = Lab.open("agent-frr")) {
            Nat64Lab n = Nat64Lab.build(lab, Nat64Lab.Options.defaults());
            Nat64Lab.Gateway gwa = n.gateway("gwa");
            Nat64Lab.Gateway gwb = n.gateway("gwb");
            Frr frrA = Frr.start(gwa.ns(), build, "", "bfdd", "staticd");
            Frr.start(gwb.ns(), "bfd\n peer " + Nat64Lab.ROUTER_LAN + " local-address " + gwb.lanAddress()
                    + " interface " + Nat64Lab.LAN_IF + "\n  receive-interval 100\n  transmit-interval 100\n !\n!\n",
                    "bfdd");
            String config = n.agentConfig(gwa, Nat64Lab.AgentTuning.TOLERANT, AgentProcess.socketPath(lab, "gwa"));
            // Frr mode: the service's BFD is bfdd's peer, and it also owns a staticd route.
            config = config.substring(0, config.indexOf("    bfd:\n")) + "    frrPeers:\n      - {peer: "
                    + Nat64Lab.ROUTER_LAN + ", localAddress: " + gwa.lanAddress() + ", interface: " + Nat64Lab.LAN_IF
                    + ", receiveIntervalMs: 100, transmitIntervalMs: 100}\n    frrRoutes:\n"
                    + "      - {kind: static, prefix: 2001:db8:64::/96, interface: " + Nat64Lab.TUN + "}\n"
                    + "frr: {vtyDir: " + frrA.vtyDir() + ", pollInterval: 100ms}\n";
            AgentProcess agent = AgentProcess.start(lab, "gwa", config);

            awaitRoute(n, "gwa");
            Poll.until(T, "staticd route present", () -> staticRoute(frrA));
            JsonNode peer = agent.status().path("services").path(0).path("frrPeers").path(0);
            assertThat(peer.path("shutdown").asBoolean()).isFalse();
            assertThat(peer.path("state").asText()).isEqualTo("up");

            gwa.killTayga();
            awaitRoute(n, "gwb");
            Poll.until(T, "staticd route removed", () -> !staticRoute(frrA));
            assertThat(frrA.vtysh("show running-config").orThrow()).contains("shutdown");
            assertThat(agent.log()).contains("service nat64 WITHDRAWN", "withdraw frr bfdd peer");

            gwa.restartTayga();
            awaitRoute(n, "gwa");
            Poll.until(T, "staticd route back", () -> staticRoute(frrA));
        }
    }

    private static boolean staticRoute(Frr frr) {
        return frr.json("show ipv6 route static json").has("2001:db8:64::/96");
    }

    private static void awaitRoute(Nat64Lab n, String gw) {
        Poll.until(T, Duration.ofMillis(20), "route via " + gw, () -> n.routerGateways().equals(List.of(gw)),
                () -> n.bird().birdc("show bfd sessions"));
    }
}
