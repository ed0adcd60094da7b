package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The world is not the translator, even when the agent is late: during a probe-target outage
 * a native check cut for lateness left its round without the evidence that the targets are
 * silent natively too, the datapath's timeouts were counted, and two such rounds in a row
 * withdrew a working gateway (lab/bench/load, both probe targets unreachable, 120 s: each
 * gateway once). The native check's result of an earlier round, at most the hung limit old,
 * stands in for a late one.
 */
class LateNativeCheckTest {
    private static final Duration INTERVAL = Duration.ofMillis(5);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeIcmp icmp = new FakeIcmp(clock);
    private final FakeNative nat = new FakeNative();
    private final List<HealthChange> changes = new ArrayList<>();
    private final InstanceHealth health = new InstanceHealth("tayga",
            new HealthPolicy(3, 2, INTERVAL, INTERVAL, Duration.ofMillis(4), 0), List.of(icmp, nat), clock);

    private void rounds(int n) {
        for (int i = 0; i < n; i++) {
            clock.advance(INTERVAL);
        }
    }

    @Test
    void aLateNativeCheckDoesNotLoseTheUpstreamEvidence() {
        health.addListener(changes::add);
        health.start();
        rounds(4);
        assertThat(health.state()).isEqualTo(HealthState.UP);

        icmp.next = FakeIcmp.Outcome.TIMES_OUT;
        nat.outcome = Signal.NativeOutcome.SILENT;
        rounds(4);
        assertThat(health.status().alarm()).contains("unreachable natively from the gateway too");

        // The agent late: the native check cut, round after round, for less than the hung limit (1 s).
        nat.late = true;
        rounds(40);
        assertThat(health.state()).as("a working gateway through a probe-target outage").isEqualTo(HealthState.UP);
        assertThat(health.status().failsInARow()).isZero();

        // Its last result grows old: past the hung limit the timeouts count again.
        rounds(300);
        assertThat(health.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes.get(changes.size() - 1).reason()).contains("no native check");
    }

    @Test
    void aLateNativeCheckAfterAnAnswerExcusesNothing() {
        health.addListener(changes::add);
        health.start();
        rounds(4);
        // The targets answer natively; then the path through the translator breaks while the
        // native check is late: its last word (answered) stands, and the timeouts count.
        nat.late = true;
        icmp.next = FakeIcmp.Outcome.TIMES_OUT;
        rounds(3);
        assertThat(health.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes.get(changes.size() - 1).reason())
                .contains("the native check of an earlier round: this round's was late");
    }
}
