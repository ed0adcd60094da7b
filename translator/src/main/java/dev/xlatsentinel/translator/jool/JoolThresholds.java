package dev.xlatsentinel.translator.jool;

/**
 * Which Jool conditions fail an instance, and how much is too much. Counter conditions are
 * on the change between two runs (a rate), never on the absolute value, so an old incident
 * does not keep an instance down.
 *
 * @param failedRoutesMax        JSTAT_FAILED_ROUTES increase tolerated per run
 * @param receivedWithoutSuccess JSTAT_RECEIVED6 increase with no JSTAT_SUCCESS increase that fails
 *                               (0 disables the condition)
 * @param bibUsageMax            BIB entries / pool4 capacity (per protocol) that counts as
 *                               exhausted, 0..1 (stateful NAT64 only)
 * @param pool4                  check pool4 exhaustion (stateful NAT64 only: SIIT has no pool4)
 * @param sessionSync            check joold session synchronisation (when ss-enabled)
 */
public record JoolThresholds(long failedRoutesMax, long receivedWithoutSuccess, double bibUsageMax, boolean pool4,
        boolean sessionSync) {
    public static final JoolThresholds NAT64_DEFAULTS = new JoolThresholds(0, 1, 0.95, true, false);
    public static final JoolThresholds SIIT_DEFAULTS = new JoolThresholds(0, 1, 0.95, false, false);
}
