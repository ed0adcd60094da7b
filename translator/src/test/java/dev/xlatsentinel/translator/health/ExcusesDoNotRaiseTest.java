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
 * Busy is not broken, but busy is not working either: a round that passes only by the rules'
 * excuses keeps an UP instance UP and brings a DOWN one nowhere. Seen in the lab: translated
 * traffic dropped, the instance DOWN, then "host starved" timeouts of the same broken path
 * counted as passes and it rose again within 30 ms, the route back onto the black hole.
 */
class ExcusesDoNotRaiseTest {
    private static final Duration INTERVAL = Duration.ofMillis(5);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeIcmp icmp = new FakeIcmp(clock);
    private final List<HealthChange> changes = new ArrayList<>();
    private final InstanceHealth health = new InstanceHealth("tayga",
            new HealthPolicy(3, 2, INTERVAL, INTERVAL, Duration.ofMillis(4), 0), List.of(icmp), clock);

    private void rounds(int n) {
        for (int i = 0; i < n; i++) {
            clock.advance(INTERVAL);
        }
    }

    @Test
    void roundsThatPassOnlyByAnExcuseDoNotBringADownInstanceUp() {
        health.addListener(changes::add);
        health.start();
        rounds(4);
        assertThat(health.state()).isEqualTo(HealthState.UP);

        // Excused while UP: the instance stays UP (busy is not broken).
        icmp.next = FakeIcmp.Outcome.TIMES_OUT_STARVED;
        rounds(10);
        assertThat(health.state()).isEqualTo(HealthState.UP);

        icmp.next = FakeIcmp.Outcome.TIMES_OUT;
        rounds(3);
        assertThat(health.state()).isEqualTo(HealthState.DOWN);

        // The same broken path on a starved host: excused, and it answered within the hung limit
        // (1 s), but nothing says it works. It stays DOWN (it rose after 3 rounds before).
        icmp.next = FakeIcmp.Outcome.TIMES_OUT_STARVED;
        rounds(20);
        assertThat(health.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes).extracting(HealthChange::to).containsExactly(HealthState.UP, HealthState.DOWN);

        // Real answers: rise 3, excused rounds between them neither count nor break the streak.
        icmp.next = FakeIcmp.Outcome.ANSWERS;
        rounds(2);
        icmp.next = FakeIcmp.Outcome.TIMES_OUT_STARVED;
        rounds(1);
        assertThat(health.state()).isEqualTo(HealthState.DOWN);
        icmp.next = FakeIcmp.Outcome.ANSWERS;
        rounds(1);
        assertThat(health.state()).isEqualTo(HealthState.UP);
    }

    /**
     * A probe-target outage is the exception: the targets silent natively too, the datapath
     * cannot judge any translator, and an instance that is not UP rises on its other probes as
     * before (an agent restarted during the outage must announce its working gateway).
     */
    @Test
    void anInstanceRisesThroughAProbeTargetOutage() {
        FakeNative nat = new FakeNative();
        InstanceHealth h = new InstanceHealth("tayga",
                new HealthPolicy(3, 2, INTERVAL, INTERVAL, Duration.ofMillis(4), 0), List.of(icmp, nat), clock);
        h.start();
        icmp.lastReply = clock.nanoTime();
        icmp.next = FakeIcmp.Outcome.TIMES_OUT;
        nat.outcome = Signal.NativeOutcome.SILENT;
        rounds(3);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.status().alarm()).contains("unreachable natively from the gateway too");
    }

    @Test
    void anInstanceNeverUpDoesNotRiseOnExcusesEither() {
        health.start();
        icmp.lastReply = clock.nanoTime(); // answered once, long enough ago to be nothing more
        icmp.next = FakeIcmp.Outcome.TIMES_OUT_STARVED;
        rounds(20);
        assertThat(health.state()).isEqualTo(HealthState.STARTING);
        icmp.next = FakeIcmp.Outcome.ANSWERS;
        rounds(3);
        assertThat(health.state()).isEqualTo(HealthState.UP);
    }
}
