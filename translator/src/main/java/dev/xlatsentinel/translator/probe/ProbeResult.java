package dev.xlatsentinel.translator.probe;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one probe run.
 *
 * @param probe   the probe's name
 * @param passed  whether the check passed
 * @param reason  one line an operator understands, e.g. {@code 3/3 targets timed out after 200 ms}
 * @param latency time from start to result
 * @param details extra facts (per target, counters), in insertion order
 */
public record ProbeResult(String probe, boolean passed, String reason, Duration latency, Map<String, String> details) {
    public ProbeResult {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(reason, "reason");
        latency = latency == null ? Duration.ZERO : latency;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static ProbeResult pass(String probe, String reason) {
        return new ProbeResult(probe, true, reason, Duration.ZERO, Map.of());
    }

    public static ProbeResult fail(String probe, String reason) {
        return new ProbeResult(probe, false, reason, Duration.ZERO, Map.of());
    }

    public ProbeResult withLatency(Duration l) {
        return new ProbeResult(probe, passed, reason, l, details);
    }

    public ProbeResult withDetails(Map<String, String> d) {
        return new ProbeResult(probe, passed, reason, latency, d);
    }

    /** {@code probe: reason}, as logged and carried in health changes. */
    public String summary() {
        return probe + ": " + reason;
    }
}
