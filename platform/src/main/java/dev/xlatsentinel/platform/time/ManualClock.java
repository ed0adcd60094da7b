package dev.xlatsentinel.platform.time;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * The {@link Scheduler} (and so the {@link Clock}) that moves only when told, for tests and
 * simulations: {@link #advance(Duration)} runs every task that falls due, in time order, on
 * the caller's thread, each at its own deadline. The wall clock moves with it, from the
 * epoch given at creation.
 */
public final class ManualClock implements Scheduler {
    private final Instant wallAtStart;
    private final long start;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;

    /** Monotonic time starting at {@code startNanos}, wall time at {@link Instant#EPOCH}. */
    public ManualClock(long startNanos) {
        this(Instant.EPOCH, startNanos);
    }

    /** Monotonic time starting at 0, wall time at {@code wallAtStart}. */
    public ManualClock(Instant wallAtStart) {
        this(wallAtStart, 0);
    }

    public ManualClock(Instant wallAtStart, long startNanos) {
        this.wallAtStart = wallAtStart;
        this.start = startNanos;
        this.now = startNanos;
    }

    private final class Task implements Comparable<Task>, Timer {
        final long due;
        final long seq;
        final Runnable run;
        boolean cancelled;

        Task(long due, long seq, Runnable run) {
            this.due = due;
            this.seq = seq;
            this.run = run;
        }

        @Override
        public int compareTo(Task o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            synchronized (ManualClock.this) {
                cancelled = true;
            }
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Instant now() {
        return wallAtStart.plusNanos(now - start);
    }

    @Override
    public synchronized Timer schedule(Duration delay, Runnable task) {
        Task t = new Task(now + Math.max(0, delay.toNanos()), sequence++, task);
        queue.add(t);
        return t;
    }

    /** Moves the clock forward by {@code d}, running due tasks (and tasks they schedule) in time order. */
    public long advance(Duration d) {
        return advanceNanos(d.toNanos());
    }

    public long advanceNanos(long nanos) {
        long target;
        synchronized (this) {
            target = now + nanos;
        }
        set(target);
        return target;
    }

    /** Moves the clock to {@code nanos} (never back), running due tasks on the way. */
    public void set(long nanos) {
        synchronized (this) {
            if (nanos < now) {
                throw new IllegalArgumentException("a monotonic clock does not go back: " + nanos + " < " + now);
            }
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > nanos) {
                    now = nanos;
                    return;
                }
                queue.poll();
                now = next.due;
                if (next.cancelled) {
                    continue;
                }
            }
            next.run.run();
        }
    }

    /** Runs tasks due now without moving the clock. */
    public void runDue() {
        advanceNanos(0);
    }

    /** Number of pending (not cancelled) tasks. */
    public synchronized long pending() {
        return queue.stream().filter(t -> !t.cancelled).count();
    }
}
