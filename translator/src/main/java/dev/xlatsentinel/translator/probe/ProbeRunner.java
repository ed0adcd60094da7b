package dev.xlatsentinel.translator.probe;

import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.platform.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs probes so that nothing escapes: a probe that throws, returns null or completes
 * exceptionally yields a failed result with the cause as reason, and a probe that hangs is
 * cut {@link #grace(Duration)} after its deadline (the grace lets a probe report its own,
 * more precise reason first); a cut result carries {@link Signal.Hung}, so that the health
 * rules can tell the agent's own lateness from the translator's failure.
 */
public final class ProbeRunner {
    private final Scheduler scheduler;

    public ProbeRunner(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** A tenth of the timeout, between 1 ms and 100 ms. */
    public static Duration grace(Duration timeout) {
        long ms = Math.max(1, Math.min(100, timeout.toMillis() / 10));
        return Duration.ofMillis(ms);
    }

    /** Runs {@code probe}; the future always completes normally, within timeout + grace. */
    public CompletableFuture<ProbeResult> run(Probe probe, Duration timeout) {
        long start = scheduler.nanoTime();
        CompletableFuture<ProbeResult> out = new CompletableFuture<>();
        // Cut after the longest the run may take (its deadline extended for a busy host), not
        // its first deadline: an extension must not turn into a cut, which is excused as late.
        Duration deadline = probe.longestRun(timeout);
        Scheduler.Timer cut = scheduler.schedule(deadline.plus(grace(deadline)),
                () -> out.complete(ProbeResult.fail(probe.name(), "no result within " + Durations.format(deadline)
                        + " (probe hung; cut)").withLatency(elapsed(start))
                        .withSignal(new Signal.Hung(probe.lastAnswerNanos()))));
        CompletableFuture<ProbeResult> running;
        try {
            running = probe.run(timeout);
        } catch (RuntimeException | Error e) {
            running = CompletableFuture.failedFuture(e);
        }
        if (running == null) {
            running = CompletableFuture.failedFuture(new IllegalStateException("probe returned no future"));
        }
        running.whenComplete((r, e) -> {
            cut.cancel();
            ProbeResult res;
            if (e != null) {
                Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                res = ProbeResult.fail(probe.name(), "probe error: " + describe(c));
            } else if (r == null) {
                res = ProbeResult.fail(probe.name(), "probe error: no result");
            } else {
                res = r;
            }
            if (res.latency().isZero()) {
                res = res.withLatency(elapsed(start));
            }
            out.complete(res);
        });
        return out;
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(scheduler.nanoTime() - start);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
