package dev.xlatsentinel.platform.sched;

import java.util.ArrayDeque;

/**
 * Whether one real-time thread keeps within its CPU budget, from samples of its CPU time:
 * no more than {@code budget} of CPU in any trailing {@code window}. Over it, the thread is
 * to be demoted; demoted, it is to be restored once it has kept within the budget for
 * {@code quiet}. Pure: times are passed in, so tests drive it by hand.
 *
 * <p>The check is of CPU used, not of the time since the window began: a thread that spins
 * is over a 500 ms budget 500 ms after it started, not one second later.
 */
public final class CpuBudget {
    /** What to do with the thread after a sample. */
    public enum Verdict { KEEP, DEMOTE, RESTORE }

    private final long windowNanos;
    private final long budgetNanos;
    private final long quietNanos;
    /** Samples of the trailing window, oldest first: {time, cpu} pairs; the oldest may be older than the window. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private volatile boolean demoted;
    /** When the thread was last seen over its budget (demoted only). */
    private long lastOver;
    private long used;
    private final long judgedFrom;

    public CpuBudget(long windowNanos, long budgetNanos, long quietNanos) {
        this(windowNanos, budgetNanos, quietNanos, Long.MIN_VALUE);
    }

    /** Never demoted by a sample before {@code judgedFrom} (the thread's start: not held against it). */
    public CpuBudget(long windowNanos, long budgetNanos, long quietNanos, long judgedFrom) {
        if (windowNanos <= 0 || budgetNanos <= 0 || budgetNanos > windowNanos || quietNanos < 0) {
            throw new IllegalArgumentException("need 0 < budget <= window and quiet >= 0, got window " + windowNanos
                    + " ns, budget " + budgetNanos + " ns, quiet " + quietNanos + " ns");
        }
        this.windowNanos = windowNanos;
        this.budgetNanos = budgetNanos;
        this.quietNanos = quietNanos;
        this.judgedFrom = judgedFrom;
    }

    /** Takes the thread's CPU time {@code cpuNanos} read at {@code nowNanos}. */
    public Verdict sample(long nowNanos, long cpuNanos) {
        samples.addLast(new long[] {nowNanos, cpuNanos});
        // Keep one sample at or before the window's start, so the window is covered whole.
        while (samples.size() > 1) {
            long[] oldest = samples.removeFirst();
            if (nowNanos - samples.peekFirst()[0] < windowNanos) {
                samples.addFirst(oldest);
                break;
            }
        }
        used = cpuNanos - samples.peekFirst()[1];
        boolean over = used > budgetNanos;
        if (!demoted) {
            if (over && (judgedFrom == Long.MIN_VALUE || nowNanos - judgedFrom >= 0)) {
                demoted = true;
                lastOver = nowNanos;
                return Verdict.DEMOTE;
            }
            return Verdict.KEEP;
        }
        if (over) {
            lastOver = nowNanos;
            return Verdict.KEEP;
        }
        if (nowNanos - lastOver >= quietNanos) {
            demoted = false;
            return Verdict.RESTORE;
        }
        return Verdict.KEEP;
    }

    /** CPU used in the trailing window at the last sample. */
    public long usedNanos() {
        return used;
    }

    public boolean demoted() {
        return demoted;
    }
}
