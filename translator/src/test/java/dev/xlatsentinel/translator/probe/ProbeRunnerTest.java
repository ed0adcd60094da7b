package dev.xlatsentinel.translator.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The runner's cut comes after the longest a run may take, its extensions included. */
class ProbeRunnerTest {
    /** A probe that never answers by itself, whose run may be extended up to 50 ms. */
    static final class Extending implements Probe {
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();

        @Override
        public String name() {
            return "icmp";
        }

        @Override
        public CompletableFuture<ProbeResult> run(Duration timeout) {
            return result;
        }

        @Override
        public Duration longestRun(Duration timeout) {
            return Duration.ofMillis(50);
        }
    }

    @Test
    void anExtendedRunIsNotCutAtItsFirstDeadlineButIsCutAfterItsLongest() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        Extending p = new Extending();
        CompletableFuture<ProbeResult> out = new ProbeRunner(clock).run(p, Duration.ofMillis(5));
        clock.advance(Duration.ofMillis(40));
        assertThat(out).isNotDone();
        clock.advance(Duration.ofMillis(15)); // 50 ms + 5 ms grace
        assertThat(out).isDone();
        assertThat(out.join().signal()).isInstanceOf(Signal.Hung.class);
        assertThat(out.join().reason()).contains("no result within 50ms");
    }

    @Test
    void aProbeWithoutExtensionsIsCutAfterItsTimeoutAndGrace() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        CompletableFuture<ProbeResult> never = new CompletableFuture<>();
        Probe p = new Probe() {
            @Override
            public String name() {
                return "tayga";
            }

            @Override
            public CompletableFuture<ProbeResult> run(Duration timeout) {
                return never;
            }
        };
        CompletableFuture<ProbeResult> out = new ProbeRunner(clock).run(p, Duration.ofMillis(5));
        clock.advance(Duration.ofMillis(5));
        assertThat(out).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(out.join().signal()).isInstanceOf(Signal.Hung.class);
    }
}
