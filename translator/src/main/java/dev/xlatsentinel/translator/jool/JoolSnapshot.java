package dev.xlatsentinel.translator.jool;

import java.util.Map;

/**
 * What one probe run read from Jool.
 *
 * @param bibEntries    BIB entries per protocol (empty for SIIT)
 * @param pool4Capacity transport addresses per protocol (absent protocol: pool4 has no entry for it)
 */
public record JoolSnapshot(Map<String, Long> stats, Map<JoolOutput.Protocol, Long> pool4Capacity,
        Map<JoolOutput.Protocol, Long> bibEntries) {
    public JoolSnapshot {
        stats = Map.copyOf(stats);
        pool4Capacity = Map.copyOf(pool4Capacity);
        bibEntries = Map.copyOf(bibEntries);
    }
}
