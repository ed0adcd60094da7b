package dev.xlatsentinel.platform.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void tasksRunInDeadlineOrderEachAtItsOwnTime() {
        ManualClock clock = new ManualClock(T0);
        List<String> ran = new ArrayList<>();
        clock.schedule(Duration.ofMillis(30), () -> ran.add("c@" + clock.nanoTime()));
        clock.schedule(Duration.ofMillis(10), () -> {
            ran.add("a@" + clock.nanoTime());
            clock.schedule(Duration.ofMillis(5), () -> ran.add("b@" + clock.nanoTime()));
        });
        clock.schedule(Duration.ofMillis(40), () -> ran.add("never"));
        clock.advance(Duration.ofMillis(35));
        assertThat(ran).containsExactly("a@10000000", "b@15000000", "c@30000000");
        assertThat(clock.nanoTime()).isEqualTo(35_000_000L);
        assertThat(clock.now()).isEqualTo(T0.plusMillis(35));
        assertThat(clock.pending()).isEqualTo(1);
    }

    @Test
    void aCancelledTaskDoesNotRun() {
        ManualClock clock = new ManualClock(0);
        List<String> ran = new ArrayList<>();
        Scheduler.Timer t = clock.schedule(Duration.ofMillis(1), () -> ran.add("x"));
        t.cancel();
        clock.advance(Duration.ofMillis(2));
        assertThat(ran).isEmpty();
        assertThat(clock.pending()).isZero();
    }

    @Test
    void setMovesForwardOnly() {
        ManualClock clock = new ManualClock(1_000);
        clock.set(5_000);
        assertThat(clock.nanoTime()).isEqualTo(5_000);
        assertThat(clock.advanceNanos(10)).isEqualTo(5_010);
        assertThat(clock.now()).isEqualTo(Instant.EPOCH.plusNanos(4_010));
        assertThatThrownBy(() -> clock.set(4_000)).isInstanceOf(IllegalArgumentException.class);
    }
}
