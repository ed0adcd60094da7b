package dev.xlatsentinel.bfd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log line of every state change and every authentication-failure notice, within one
 * budget: at most {@link #PER_SECOND} lines a second one by one; beyond that, one line a
 * second says how many were not logged. A flap storm (thousands of sessions at 10 ms on an
 * overloaded machine: hundreds of thousands of changes a minute) would otherwise queue
 * lines faster than a log sink takes them, and the queue would grow until the heap ran out.
 * Counters and listeners still see every change; each session already limits its own
 * authentication notices to one per ten seconds. Used by one thread (the listener thread).
 */
final class StateChangeLog {
    private static final Logger LOG = LoggerFactory.getLogger(BfdEngine.class);
    static final int PER_SECOND = 200;

    private long second = Long.MIN_VALUE;
    private int logged;
    private long suppressed;

    /** Logs {@code change} if the budget of the current second allows; {@code nowNanos} is monotonic. */
    void log(StateChange change, long nowNanos) {
        if (admit(nowNanos)) {
            LOG.info("BFD {}", change);
        }
    }

    /** Logs {@code notice} (a warning) if the budget of the current second allows. */
    void log(AuthFailureNotice notice, long nowNanos) {
        if (admit(nowNanos)) {
            LOG.warn("BFD {}", notice);
        }
    }

    private boolean admit(long nowNanos) {
        long s = nowNanos / 1_000_000_000L;
        if (s != second) {
            if (suppressed > 0) {
                LOG.warn("BFD {} state changes or authentication notices were not logged one by one (more than {}"
                        + " a second); counters and listeners saw them all", suppressed, PER_SECOND);
            }
            second = s;
            logged = 0;
            suppressed = 0;
        }
        if (logged < PER_SECOND) {
            logged++;
            return true;
        }
        suppressed++;
        return false;
    }

    /** Lines not logged one by one in the current second (for tests). */
    long suppressed() {
        return suppressed;
    }
}
