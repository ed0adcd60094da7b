package dev.xlatsentinel.lab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.lab.Iperf;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.UdpStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Do no harm (issue 12), in seconds rather than minutes: a saturated working translator is
 * not withdrawn (nor is the idle backup, on the host the flood starves); both probe targets dropped upstream withdraw nothing, traffic to them keeps
 * flowing and the alarm is raised within a second; a saturated translator that is then
 * killed or frozen, or whose output is then dropped at its IPv4 egress, is still withdrawn. Production-like settings (probes every 100 ms, BFD 50 ms x 3):
 * the lab's 10 ms settings are measured by {@code lab/bench/load}, not asserted on a shared
 * 2-core machine. The figures are in docs/failover.md "Load and correlated failure".
 */
class DoNoHarmIT {
    private static final Nat64Lab.AgentTuning TUNING = Nat64Lab.AgentTuning.PRODUCTION_LIKE;

    @Test
    void busyOrWithUnreachableTargetsAWorkingTranslatorStaysButAKilledOneUnderLoadIsWithdrawn() {
        Lab lab = Lab.open("load");
        try (Scenario s = Scenario.start(lab, Scenario.Mode.AGENT, TUNING, TUNING.routerBfd(), false)) {
            // Longer than the reply window (10 s): a saturated TAYGA may let no probe through for that
            // long, and is kept while its output leaves the gateway.
            LoadTrial.Result udp = LoadTrial.run(s, new LoadTrial.Spec(Iperf.Kind.UDP, Duration.ofSeconds(15), false,
                    false));
            assertThat(udp.totalWithdrawals()).as("withdrawals under UDP saturation: " + udp).isZero();

            LoadTrial.Result targets = LoadTrial.run(s, new LoadTrial.Spec(null, Duration.ofSeconds(4), true, true));
            assertThat(targets.totalWithdrawals()).as("withdrawals with both targets unreachable: " + targets).isZero();
            assertThat(targets.noRouteMicros()).as("time without a route: " + targets).isZero();
            // Before the fix both gateways were withdrawn and all of it was lost; what a busy shared
            // machine loses meanwhile is not the point here.
            assertThat(targets.streamLost()).as("traffic to the targets (UDP) keeps flowing: " + targets)
                    .isLessThan(targets.streamSent() / 2);
            assertThat(targets.firstAlarmMicros()).as("alarm logged by both agents: " + targets).containsKeys("gwa",
                    "gwb");
            for (long at : targets.firstAlarmMicros().values()) {
                assertThat(at - targets.startMicros()).as("alarm within a second").isLessThan(1_000_000);
            }

            killedUnderLoadIsWithdrawn(s);
            // Frozen under load: busy-host evidence extends the datapath probe's deadline, but
            // a frozen TAYGA waits for no CPU (stopped, not runnable): its stall is a fault.
            double frozen = LoadTrial.faultUnderLoad(s, Fault.TAYGA_FROZEN, LoadTrial.IPERF_PORT + 2);
            assertThat(frozen).as("route left gwa within a second of freezing its saturated TAYGA (ms; -1: never)")
                    .isBetween(0.0, 1000.0);
            // Translated traffic dropped at the IPv4 egress under saturation: TAYGA still writes, but
            // its output does not leave the gateway (the egress counters), so neither busy nor
            // starved excuses it. Measured: 0.95 s (two rounds whose deadline the saturated path
            // stretched to 500 ms); 3-4 s before the egress evidence.
            double dropped = LoadTrial.faultUnderLoad(s, Fault.IPV4_DROPPED, LoadTrial.IPERF_PORT + 3);
            assertThat(dropped).as("route left gwa within 2 s of dropping its saturated TAYGA's output (ms; "
                    + "-1: never)").isBetween(0.0, 2000.0);
        }
        assertThat(lab.leftovers()).isEmpty();
    }

    /** Saturate gwa, then kill its TAYGA: the route must leave gwa, for the reason that names TAYGA. */
    private static void killedUnderLoadIsWithdrawn(Scenario s) {
        s.awaitSteady();
        Nat64Lab n = s.lab();
        Iperf.server(n.server(), Iperf.Kind.UDP, LoadTrial.IPERF_PORT + 1);
        try (Iperf.Load load = Iperf.client(n.client(), Iperf.Kind.UDP, Nat64Lab.TARGETS6.get(1),
                LoadTrial.IPERF_PORT + 1, "500M", 4, Duration.ofSeconds(6))) {
            Poll.until(Duration.ofSeconds(5), "load running", load::running);
            sleepFor(Duration.ofSeconds(2));
            long killed = System.nanoTime();
            s.primary().killTayga();
            Poll.until(Duration.ofSeconds(5), Duration.ofMillis(10), "route away from gwa after TAYGA was killed "
                    + "under load", () -> !n.routerGateways().contains("gwa"), () -> s.agent("gwa").log());
            long ms = (System.nanoTime() - killed) / 1_000_000;
            assertThat(ms).as("withdrawn within a second of the kill").isLessThan(1000);
            JsonNode st = s.agent("gwa").status();
            // Either consequence of the kill may be heard first: the process exit (pidfd) or its
            // TUN losing carrier when the process's fd closes (rtnetlink); both are the tayga probe's.
            assertThat(st.path("services").path(0).path("reason").asText()).contains("instance tayga DOWN")
                    .containsAnyOf("TAYGA", "TUN nat64");
        }
        s.primary().restartTayga();
        s.awaitSteady();
    }

    private static void sleepFor(Duration d) {
        // The load's warm-up, not a wait for an event.
        long due = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < due) {
            java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
        }
    }

    @Test
    void withTheLastResortRouteTheRouterKeepsThePrefixWhenEveryGatewayIsWithdrawn() {
        Lab lab = Lab.open("last-resort");
        try (Scenario s = Scenario.start(lab, Scenario.Mode.AGENT, Nat64Lab.AgentTuning.TOLERANT,
                Nat64Lab.Options.defaults().withLastResort(true), false)) {
            Nat64Lab n = s.lab();
            for (String gw : List.of("gwa", "gwb")) {
                s.agent(gw).cli("drain", "tayga", "--reason", "every gateway withdrawn").orThrow();
            }
            Poll.until(Duration.ofSeconds(10), Poll.DEFAULT_EVERY, "no BFD session Up at the router",
                    () -> n.bird().bfdSessions().stream().noneMatch(r -> r.state().equals("Up")),
                    () -> n.bird().birdc("show bfd sessions"));
            Poll.until(Duration.ofSeconds(10), Poll.DEFAULT_EVERY, "the last-resort route via both gateways",
                    () -> n.routerGateways().containsAll(List.of("gwa", "gwb")),
                    () -> n.router().ip("-6", "route", "show", Nat64Lab.PREFIX));
            List<UdpStream.Packet> p = UdpStream.run(n.client(), Nat64Lab.TARGETS6.get(0), 200, Duration.ofMillis(1),
                    Duration.ofMillis(300));
            assertThat(UdpStream.lost(p)).as("traffic through the working translators").isLessThan(20);
            for (String gw : List.of("gwa", "gwb")) {
                s.agent(gw).cli("undrain", "tayga").orThrow();
            }
            s.awaitSteady();
            assertThat(n.routerGateways()).as("the BFD-tracked route wins again").containsExactly("gwa");
        }
        assertThat(lab.leftovers()).isEmpty();
    }
}
