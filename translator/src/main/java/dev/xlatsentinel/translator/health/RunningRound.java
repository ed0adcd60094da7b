package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.translator.probe.ProbeResult;

/**
 * One probe round's state while it runs, for the early verdict (a round counted as failed as
 * soon as it can no longer pass). Guarded by the instance's health.
 */
final class RunningRound {
    final long start;
    /** Per probe: its result of this round once it arrived. */
    final ProbeResult[] arrived;
    /** Non-evidence probes of this round that failed beyond any excuse so far. */
    int certain;
    /** Counted as failed before its end: its finish does not count it again. */
    boolean decided;
    /** A newer round was counted first (confirmEarly): this one's results came from an older world and count nothing. */
    boolean overtaken;

    RunningRound(long start, int probes) {
        this.start = start;
        this.arrived = new ProbeResult[probes];
    }
}
