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
}
