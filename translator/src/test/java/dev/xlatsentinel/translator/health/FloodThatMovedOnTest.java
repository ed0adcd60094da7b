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
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * "A flood that just moved on" excuses timeouts for the hung limit after the last saturated
 * counters, but only after a flood: saturated checks in a row over 50 ms or more, two at least.
 * A burst, a TAYGA resumed after SIGSTOP writing its backlog (the lab's frozen trial: 458 and
 * 285 packets in and out in two 5 ms checks, then idle), is no flood; translated traffic dropped
 * right after it was excused for ~75 ms at 5 ms probes before this rule. On a hand-driven clock.
 */
class FloodThatMovedOnTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration INTERVAL = Duration.ofMillis(5);
    private static final long CHECK = 5_000_000L;

    private final ManualClock clock = new ManualClock(T0);
    private final List<HealthChange> changes = new ArrayList<>();

    /** A probe that answers at once with what {@code next} gives at that moment. */
    private record Answering(String name, Supplier<ProbeResult> next) implements Probe {
        @Override
        public CompletableFuture<ProbeResult> run(Duration timeout) {
            return CompletableFuture.completedFuture(next.get());
        }
    }

    private Signal.Forwarding tayga = idle();

    private static Signal.Forwarding idle() {
        return new Signal.Forwarding(6, 6, 0, false, CHECK);
    }

    /** 458 packets in and out in one 5 ms check: 91 600 per second, over BUSY_RATE; no queue drop. */
    private static Signal.Forwarding burst() {
        return new Signal.Forwarding(458, 458, 0, false, CHECK);
    }

    private boolean pathWorks = true;
    private long lastReply = Long.MIN_VALUE;

    private ProbeResult icmp() {
        if (pathWorks) {
            lastReply = clock.nanoTime();
            return ProbeResult.pass("icmp", "2/2 targets answered").withSignal(new Signal.Datapath(false, List.of(),
                    lastReply));
        }
        return ProbeResult.fail("icmp", "2/2 targets timed out after 4ms").withSignal(new Signal.Datapath(true,
                List.of("192.0.2.1", "198.51.100.1"), lastReply));
    }

    private InstanceHealth health() {
        InstanceHealth h = new InstanceHealth("tayga", new HealthPolicy(1, 2, INTERVAL, Duration.ofMillis(2),
                Duration.ofMillis(4), 0), List.of(
                        new Answering("tayga", () -> ProbeResult.pass("tayga", "running").withSignal(tayga)),
                        new Answering("icmp", this::icmp)), clock);
        h.addListener(changes::add);
        h.start();
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        return h;
    }

    private void round(Signal.Forwarding counters) {
        tayga = counters;
        clock.advance(INTERVAL);
    }

    @Test
    void aBurstOfTwoChecksIsNoFloodAndTheDroppedPathThatFollowsIsCounted() {
        InstanceHealth h = health();
        round(burst()); // the resumed TAYGA's backlog, over two checks (10 ms)
        round(burst());
        round(idle());
        pathWorks = false; // translated traffic dropped 10 ms later
        round(idle());
        round(idle());
        assertThat(h.state()).as("two counted rounds: DOWN").isEqualTo(HealthState.DOWN);
        assertThat(changes.get(changes.size() - 1).reason()).contains("translator not saturated");
        assertThat(h.status().busyRounds()).isZero();
    }

    @Test
    void aFloodOfFiftyMillisecondsThatMovedOnStillExcusesTheTimeoutsItLeftBehind() {
        InstanceHealth h = health();
        for (int i = 0; i < 10; i++) {
            round(burst()); // saturated for 10 checks of 5 ms: a flood
        }
        pathWorks = false; // it moved on and left a full queue: the probes time out for a while
        round(idle());
        round(idle());
        round(idle());
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.status().busyRounds()).isEqualTo(3);
        assertThat(h.status().lastResults().get(1).reason()).contains("(a flood that moved on)");
    }

    @Test
    void aStreakOfExcusedFailuresIsLoggedAtItsStartWithTheReasonAndAtItsEndWithItsLength() {
        var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(InstanceHealth.class);
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try {
            InstanceHealth h = health();
            for (int i = 0; i < 10; i++) {
                round(burst());
            }
            pathWorks = false;
            round(idle());
            round(idle());
            round(idle());
            pathWorks = true;
            round(idle());
            assertThat(h.state()).isEqualTo(HealthState.UP);
            List<String> info = appender.list.stream()
                    .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
                    .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("not counted")).toList();
            assertThat(info).hasSize(2);
            assertThat(info.get(0)).startsWith("tayga: a failure not counted: icmp: busy, not broken: ")
                    .contains("(a flood that moved on)");
            assertThat(info.get(1)).isEqualTo("tayga: the last 3 round(s) had a failure not counted; this one has none");
        } finally {
            logger.detachAppender(appender);
        }
    }
}
