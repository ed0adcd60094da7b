package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link HealthPolicy#confirmEarly}: an UP instance's round whose path has not answered
 * fastInterval after its start has the next round start then, beside it, so a silent path
 * fails fall 2 one deadline sooner; rounds are still counted in the order they started.
 * At the lab's 5 ms settings (interval 5 ms, fast 2 ms, timeout 4 ms, fall 2).
 */
class ConfirmEarlyTest {
    private static final Duration INTERVAL = Duration.ofMillis(5);
    private static final Duration FAST = Duration.ofMillis(2);
    private static final Duration TIMEOUT = Duration.ofMillis(4);
    private static final Duration STEP = Duration.ofNanos(250_000);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Path path = new Path(clock);
    private final List<HealthChange> changes = new ArrayList<>();

    private InstanceHealth health(boolean confirmEarly) {
        InstanceHealth h = new InstanceHealth("tayga", new HealthPolicy(3, 2, INTERVAL, FAST, TIMEOUT, 0)
                .withConfirmEarly(confirmEarly), List.of(path), clock);
        h.addListener(changes::add);
        h.start();
        run(Duration.ofMillis(40));
        assertThat(h.state()).isEqualTo(HealthState.UP);
        return h;
    }

    private void run(Duration d) {
        for (long t = 0; t < d.toNanos(); t += STEP.toNanos()) {
            clock.advance(STEP);
        }
    }

    /** Time from the path going silent to the DOWN, in the manual clock's nanoseconds. */
    private long silentToDown(boolean confirmEarly) {
        InstanceHealth h = health(confirmEarly);
        long silent = clock.nanoTime();
        path.silentFrom = silent;
        for (int i = 0; i < 200 && h.state() == HealthState.UP; i++) {
            clock.advance(STEP);
        }
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        return clock.nanoTime() - silent;
    }

    @Test
    void aSilentPathIsDownOneDeadlineSooner() {
        long alone = silentToDown(false);
        changes.clear();
        path.silentFrom = Long.MAX_VALUE;
        long beside = silentToDown(true);
        // One after another: the round in flight, then two deadlines. Beside: fast + one deadline.
        assertThat(alone).isGreaterThanOrEqualTo(2 * TIMEOUT.toNanos());
        assertThat(beside).isLessThanOrEqualTo(INTERVAL.toNanos() + FAST.toNanos() + TIMEOUT.toNanos());
        assertThat(alone - beside).isGreaterThanOrEqualTo(TIMEOUT.toNanos() - FAST.toNanos());
    }

    @Test
    void aPathThatAnswersStartsNoRoundBeside() {
        InstanceHealth h = health(true);
        run(Duration.ofMillis(200));
        assertThat(h.besideRounds()).isZero();
        assertThat(path.mostAtOnce).isEqualTo(1);
        assertThat(changes).extracting(HealthChange::to).containsExactly(HealthState.UP);
    }

    @Test
    void aShortSilenceFailsOneRoundNotTwo() {
        InstanceHealth h = health(true);
        path.silenceAtNextRun = Duration.ofMillis(3).toNanos();
        run(Duration.ofMillis(60));
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.besideRounds()).as("the silence was seen").isPositive();
        assertThat(changes).extracting(HealthChange::to).containsExactly(HealthState.UP);
    }

    @Test
    void atMostTwoRoundsRunAndTheyAreCountedInOrder() {
        InstanceHealth h = health(true);
        path.silentFrom = clock.nanoTime();
        run(Duration.ofMillis(30));
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        assertThat(path.mostAtOnce).isEqualTo(2);
        // DOWN stops the rounds beside: a DOWN instance's rounds run one after another again.
        long before = h.besideRounds();
        run(Duration.ofMillis(100));
        assertThat(h.besideRounds()).isEqualTo(before);
        assertThat(path.mostAtOnce).isEqualTo(2);
        path.silentFrom = Long.MAX_VALUE;
        run(Duration.ofMillis(100));
        assertThat(h.state()).isEqualTo(HealthState.UP);
    }

    /**
     * A datapath probe on the manual clock: echoes at 0, 1/3 and 2/3 of the timeout; the run
     * passes 0.2 ms after an echo sent while the path is not silent, else fails at the timeout
     * with a datapath timeout signal.
     */
    static final class Path implements Probe {
        private final ManualClock clock;
        volatile long silentFrom = Long.MAX_VALUE;
        volatile long silentUntil = Long.MAX_VALUE;
        volatile long lastAnswer = Long.MIN_VALUE;
        /** When positive: the next run starts a silence this long. */
        volatile long silenceAtNextRun;
        int atOnce;
        int mostAtOnce;

        Path(ManualClock clock) {
            this.clock = clock;
        }

        private boolean silent(long t) {
            return t >= silentFrom && t < silentUntil;
        }

        @Override
        public String name() {
            return "icmp";
        }

        @Override
        public long lastAnswerNanos() {
            return lastAnswer;
        }

        @Override
        public synchronized CompletableFuture<ProbeResult> run(Duration timeout) {
            CompletableFuture<ProbeResult> out = new CompletableFuture<>();
            if (silenceAtNextRun > 0) {
                silentFrom = clock.nanoTime();
                silentUntil = silentFrom + silenceAtNextRun;
                silenceAtNextRun = 0;
            }
            mostAtOnce = Math.max(mostAtOnce, ++atOnce);
            out.whenComplete((r, e) -> {
                synchronized (this) {
                    atOnce--;
                }
            });
            long step = timeout.toNanos() / 3;
            for (int k = 0; k < 3; k++) {
                clock.schedule(Duration.ofNanos(k * step), () -> {
                    if (!out.isDone() && !silent(clock.nanoTime())) {
                        clock.schedule(Duration.ofNanos(200_000), () -> {
                            lastAnswer = clock.nanoTime();
                            out.complete(ProbeResult.pass("icmp", "answered")
                                    .withSignal(new Signal.Datapath(false, List.of(), lastAnswer)));
                        });
                    }
                });
            }
            clock.schedule(timeout, () -> out.complete(ProbeResult.fail("icmp", "1/1 targets timed out after 4ms")
                    .withSignal(new Signal.Datapath(true, List.of("192.0.2.1"), lastAnswer))));
            return out;
        }
    }
}
