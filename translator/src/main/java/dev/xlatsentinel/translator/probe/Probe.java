package dev.xlatsentinel.translator.probe;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One check of a translator, run asynchronously. A run should finish within {@code timeout}
 * with its own reason; {@link ProbeRunner} cuts it shortly after that in any case, and turns
 * an exception or a failed future into a failed result, so nothing escapes the prober.
 */
public interface Probe {
    /** The operator's name for this probe, e.g. {@code icmp 64:ff9b::/96} or {@code tayga nat64}. */
    String name();

    CompletableFuture<ProbeResult> run(Duration timeout);

    /**
     * How long this run may take when the instance's timeout is {@code timeout}: the timeout
     * itself, or more for a probe that adapts its deadline to the latency it measured (the
     * datapath probe under load).
     */
    default Duration deadline(Duration timeout) {
        return timeout;
    }

    /**
     * The longest this run may take, its deadline extensions included (a datapath probe waits
     * longer while its path was denied the CPU): the runner cuts it only after this.
     */
    default Duration longestRun(Duration timeout) {
        return deadline(timeout);
    }

    /**
     * Evidence only: its result informs the health rules (e.g. the native check of the
     * datapath targets) but is not one of the k of n probes a round needs.
     */
    default boolean evidenceOnly() {
        return false;
    }

    /**
     * For a probe of a path (the datapath probe): the scheduler time of its latest answer, late
     * ones included, {@link Long#MIN_VALUE} if none yet. A cut of it carries this, so that the
     * health can tell a cut of a silent path from one of a path that still answers. Any other
     * probe: {@link Long#MAX_VALUE} (a cut of it never says a path is silent).
     */
    default long lastAnswerNanos() {
        return Long.MAX_VALUE;
    }
}
