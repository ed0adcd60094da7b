package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An excuse explains a round's timeouts away; it does not show the path alive. Between two
 * counted failures of an UP instance, a round that passes only by an excuse while the path
 * has not answered since the first failure (not even late) counts neither way. Seen in the lab:
 * translated traffic dropped at 5 ms probes, counted timeouts and "host starved" ones
 * alternated, each excused round reset the count, and the black hole stayed announced for up to
 * 100 ms instead of two rounds.
 */
class ExcusesBetweenFailuresTest {
    private static final Duration INTERVAL = Duration.ofMillis(5);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeIcmp icmp = new FakeIcmp(clock);
    private final List<HealthChange> changes = new ArrayList<>();
    private final InstanceHealth health = new InstanceHealth("tayga",
            new HealthPolicy(3, 2, INTERVAL, INTERVAL, Duration.ofMillis(4), 0), List.of(icmp), clock);

    private void round(FakeIcmp.Outcome outcome) {
        icmp.next = outcome;
        clock.advance(INTERVAL);
    }

    private void up() {
        health.addListener(changes::add);
        health.start();
        for (int i = 0; i < 4; i++) {
            round(FakeIcmp.Outcome.ANSWERS);
        }
        assertThat(health.state()).isEqualTo(HealthState.UP);
    }

    @Test
    void excusedRoundsOfASilentPathDoNotBreakAStreakOfFailures() {
        up();
        round(FakeIcmp.Outcome.TIMES_OUT);
        round(FakeIcmp.Outcome.TIMES_OUT_STARVED);
        round(FakeIcmp.Outcome.TIMES_OUT_STARVED);
        assertThat(health.state()).as("one counted failure, two excused rounds").isEqualTo(HealthState.UP);
        round(FakeIcmp.Outcome.TIMES_OUT);
        assertThat(health.state()).isEqualTo(HealthState.DOWN);
        HealthChange down = changes.get(changes.size() - 1);
        assertThat(down.to()).isEqualTo(HealthState.DOWN);
        assertThat(down.reason()).contains("for 2 rounds in a row")
                .contains("2 rounds between them excused by the do-no-harm rules, counted neither way");
    }

    @Test
    void aCutOfTheSilentPathBetweenFailuresCountsNeitherWay() {
        up();
        round(FakeIcmp.Outcome.TIMES_OUT);
        round(FakeIcmp.Outcome.HANGS); // cut when the next round starts: late, excused, counted neither way
        round(FakeIcmp.Outcome.TIMES_OUT);
        assertThat(health.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes.get(changes.size() - 1).reason())
                .contains("1 round between them excused by the do-no-harm rules, counted neither way");
    }

    @Test
    void aCutOfAPathThatAnsweredSinceResetsTheStreakAsBefore() {
        up();
        round(FakeIcmp.Outcome.TIMES_OUT);
        icmp.lastReply = clock.nanoTime(); // the timed-out echo's answer came, late
        round(FakeIcmp.Outcome.HANGS);
        round(FakeIcmp.Outcome.TIMES_OUT);
        assertThat(health.state()).isEqualTo(HealthState.UP);
        assertThat(health.status().failsInARow()).isEqualTo(1);
    }

    @Test
    void aLateAnswerIsLifeAndTheExcusedRoundResetsTheStreakAsBefore() {
        up();
        round(FakeIcmp.Outcome.TIMES_OUT);
        icmp.lastReply = clock.nanoTime(); // the timed-out echo's answer came, late
        round(FakeIcmp.Outcome.TIMES_OUT_STARVED);
        round(FakeIcmp.Outcome.TIMES_OUT);
        assertThat(health.state()).isEqualTo(HealthState.UP);
        assertThat(health.status().failsInARow()).isEqualTo(1);
    }

    @Test
    void excusedRoundsAloneNeverTakeAnUpInstanceDown() {
        up();
        for (int i = 0; i < 50; i++) {
            round(FakeIcmp.Outcome.TIMES_OUT_STARVED);
        }
        assertThat(health.state()).isEqualTo(HealthState.UP);
        // A real pass still ends a streak: counted, pass, counted is not two in a row.
        round(FakeIcmp.Outcome.TIMES_OUT);
        round(FakeIcmp.Outcome.ANSWERS);
        round(FakeIcmp.Outcome.TIMES_OUT_STARVED);
        round(FakeIcmp.Outcome.TIMES_OUT);
        assertThat(health.state()).isEqualTo(HealthState.UP);
        assertThat(changes).extracting(HealthChange::to).containsExactly(HealthState.UP);
    }
}
