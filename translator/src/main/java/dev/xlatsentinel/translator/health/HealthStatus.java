package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot for status output: the state, since when, the current streaks and the last
 * round's results (empty before the first round ends), and what the do-no-harm rules saw.
 *
 * @param alarm         the upstream alarm in words (targets unreachable natively too), or null
 * @param busyRounds    rounds whose datapath timeouts were excused as busy (counters and late answers)
 * @param upstreamRounds rounds whose datapath timeouts were excused as upstream (native check)
 * @param lateProbes    probe runs cut for lateness and not counted
 * @param lastLateness  how late the last round started against its schedule
 * @param maxLateness   the latest any round started since the instance was built
 */
public record HealthStatus(String instance, HealthState state, Instant since, int passesInARow, int failsInARow,
        long rounds, List<ProbeResult> lastResults, String alarm, long busyRounds, long upstreamRounds,
        long lateProbes, Duration lastLateness, Duration maxLateness) {
    public HealthStatus {
        lastResults = List.copyOf(lastResults);
    }
}
