package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The native check of {@link FakeIcmp}'s two targets (evidence only): they answer from the
 * gateway itself or are silent, as the test sets; or, {@code late}, it never finishes and the
 * runner cuts it.
 */
final class FakeNative implements Probe {
    volatile Signal.NativeOutcome outcome = Signal.NativeOutcome.ANSWERED;
    volatile boolean late;

    @Override
    public String name() {
        return "icmp native";
    }

    @Override
    public boolean evidenceOnly() {
        return true;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        if (late) {
            return new CompletableFuture<>();
        }
        return CompletableFuture.completedFuture(ProbeResult.pass("icmp native", "checked").withSignal(
                new Signal.Native(Map.of("192.0.2.1", outcome, "192.0.2.2", outcome), "", Long.MIN_VALUE)));
    }
}
