package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Instant;
import java.util.List;

/**
 * One state change of an instance, with why: {@code reason} is one line for the log
 * (the failing probes' reasons for a fall, a summary for a rise), {@code results} is the
 * last round's full results.
 */
public record HealthChange(String instance, HealthState from, HealthState to, Instant at, String reason,
        List<ProbeResult> results) {
    public HealthChange {
        results = List.copyOf(results);
    }

    @Override
    public String toString() {
        return instance + " " + from + " -> " + to + " at " + at + ": " + reason;
    }
}
