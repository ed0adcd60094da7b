package dev.xlatsentinel.translator.datapath;

import dev.xlatsentinel.translator.host.HostLoad;

/**
 * Busy is not broken, for one datapath run: when its deadline comes with targets unanswered,
 * how much longer to wait because the path was denied the CPU meanwhile. A probe through a
 * userspace translator needs that process (and the host's packet processing) scheduled twice;
 * on a host whose CPUs are all taken, that wait is the host's, not the translator's.
 *
 * <p>The rule: the CPU wait measured since the run's send (the longer of the host's CPU
 * pressure and the translator's own run delay, {@link HostLoad.Reading#cpuWaitSince}) not yet
 * granted as an extension is the time denied; if it is at least a quarter of the time waited so
 * far, the deadline moves on by it, never past the ceiling (the instance's interval, at most
 * the adaptive deadline's {@code maxTimeout}). On an idle host nothing is denied and a broken
 * path fails at its deadline as before; on a busy one a broken path fails at the ceiling at
 * the latest: the extension delays a real fault's detection by at most
 * {@code ceiling - deadline} per round, it never excuses it. Measured: with {@code maxTimeout}
 * as the ceiling (500 ms at production-like settings), a saturated TAYGA that was killed was
 * withdrawn after 1.5 s instead of within a second, the round waiting for the extended probe.
 */
final class CpuDenied {
    /** The share of the wait the CPU must have been denied for an extension: 1 in {@value}. */
    static final int SHARE = dev.xlatsentinel.translator.probe.Signal.Load.STARVED_SHARE;

    private CpuDenied() {
    }

    /**
     * @param first    the host's counters at the run's send
     * @param now      the host's counters at this deadline
     * @param waited   nanoseconds since the send
     * @param extended nanoseconds granted as extensions so far in this run
     * @param budget   the current deadline, nanoseconds after the send
     * @param ceiling  the latest deadline, nanoseconds after the send
     * @return nanoseconds to extend by; 0: the open targets time out now
     */
    static long extension(HostLoad.Reading first, HostLoad.Reading now, long waited, long extended, long budget,
            long ceiling) {
        long cpuWait = now.cpuWaitSince(first);
        long denied = cpuWait - extended;
        if (cpuWait < 0 || denied <= 0 || denied * SHARE < waited || budget >= ceiling) {
            return 0;
        }
        return Math.min(denied, ceiling - budget);
    }
}
