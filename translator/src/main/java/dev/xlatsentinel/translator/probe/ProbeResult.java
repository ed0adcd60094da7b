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
 * @param signal  what the probe saw besides pass/fail (null: nothing), for the health rules
 */
public record ProbeResult(String probe, boolean passed, String reason, Duration latency, Map<String, String> details,
        Signal signal) {
    public ProbeResult {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(reason, "reason");
        latency = latency == null ? Duration.ZERO : latency;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public ProbeResult(String probe, boolean passed, String reason, Duration latency, Map<String, String> details) {
        this(probe, passed, reason, latency, details, null);
    }

    public static ProbeResult pass(String probe, String reason) {
        return new ProbeResult(probe, true, reason, Duration.ZERO, Map.of());
    }

    public static ProbeResult fail(String probe, String reason) {
        return new ProbeResult(probe, false, reason, Duration.ZERO, Map.of());
    }

    public ProbeResult withLatency(Duration l) {
        return new ProbeResult(probe, passed, reason, l, details, signal);
    }

    public ProbeResult withDetails(Map<String, String> d) {
        return new ProbeResult(probe, passed, reason, latency, d, signal);
    }

    public ProbeResult withSignal(Signal s) {
        return new ProbeResult(probe, passed, reason, latency, details, s);
    }

    /** The same result judged again by a health rule: passed or not, with the rule's reason. */
    public ProbeResult rejudged(boolean pass, String why) {
        return new ProbeResult(probe, pass, why, latency, details, signal);
    }

    /** {@code probe: reason}, as logged and carried in health changes. */
    public String summary() {
        return probe + ": " + reason;
    }
}
