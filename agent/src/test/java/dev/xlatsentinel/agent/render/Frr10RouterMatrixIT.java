package dev.xlatsentinel.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.UpstreamRouter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link RouterMatrix} against Debian 13's FRR 10.3 (mgmtd, zebra, staticd, bfdd), plus the
 * other way to give a tracked static route its timers: a {@code bfd / peer} block for the
 * next hop instead of a profile, for IPv4 and IPv6.
 */
class Frr10RouterMatrixIT extends RouterMatrix {
    Frr10RouterMatrixIT() {
        super(UpstreamRouter.Kind.FRR10);
    }

    @Test
    @Order(3)
    void aPeerBlockGivesTheTrackedRoutesTheirTimersForIpv4AndIpv6() {
        String config = """
                bfd
                 peer %s interface %s
                  receive-interval 10
                  transmit-interval 10
                 exit
                 peer 2001:db8:ff::a interface %s
                  receive-interval 10
                  transmit-interval 10
                 exit
                exit
                ip route 100.64.251.0/24 %s bfd
                ipv6 route 64:ff9b::/96 2001:db8:ff::a bfd
                """.formatted(GW4, IF, IF, GW4);
        try (UpstreamRouter r = startRendered(config)) {
            BfdSession v4 = engine.addSession(SessionConfig.builder().peer(ROUTER4).local(GW4).iface(IF)
                    .interval(Duration.ofMillis(10)).detectMult(3).build());
            BfdSession v6 = engine.addSession(SessionConfig.builder().peer(ROUTER6).local("2001:db8:ff::a").iface(IF)
                    .interval(Duration.ofMillis(10)).detectMult(3).build());
            try {
                awaitRoute("100.64.251.0/24", GW4, r);
                awaitRoute("64:ff9b::/96", "2001:db8:ff::a", r);
                for (var p : r.frr().json("show bfd peers json")) {
                    assertThat(p.get("receive-interval").asInt()).as("peer %s", p.get("peer")).isEqualTo(10);
                    assertThat(p.get("transmit-interval").asInt()).as("peer %s", p.get("peer")).isEqualTo(10);
                }
                for (BfdSession s : List.of(v4, v6)) {
                    s.holdDown(Diagnostic.PATH_DOWN).join();
                }
                Poll.until(UP, Duration.ofMillis(10), "both routes withdrawn",
                        () -> !routeVia("100.64.251.0/24", GW4) && !routeVia("64:ff9b::/96", "2001:db8:ff::a"),
                        r::bfdSessions);
                results.put("peerblock", "IPv4 and IPv6 tracked at the peer block's 10 ms, withdrawn on our Down");
            } finally {
                v4.remove().join();
                v6.remove().join();
            }
        }
    }
}
