package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot for status output: the state, since when, the current streaks and the last
 * round's results (empty before the first round ends).
 */
public record HealthStatus(String instance, HealthState state, Instant since, int passesInARow, int failsInARow,
        long rounds, List<ProbeResult> lastResults) {
    public HealthStatus {
        lastResults = List.copyOf(lastResults);
    }
}
