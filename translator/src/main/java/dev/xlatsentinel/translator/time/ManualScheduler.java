package dev.xlatsentinel.translator.time;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A clock that moves only when told: {@link #advance(Duration)} runs every task that falls
 * due, in order, on the caller's thread. For unit tests of timing logic.
 */
public final class ManualScheduler implements Scheduler {
    private final Instant epoch;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;

    public ManualScheduler(Instant epoch) {
        this.epoch = epoch;
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
            synchronized (ManualScheduler.this) {
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
        return epoch.plusNanos(now);
    }

    @Override
    public synchronized Timer schedule(Duration delay, Runnable task) {
        Task t = new Task(now + Math.max(0, delay.toNanos()), sequence++, task);
        queue.add(t);
        return t;
    }

    /** Moves the clock forward by {@code d}, running due tasks (and tasks they schedule) in time order. */
    public void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = target;
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
        advance(Duration.ZERO);
    }

    /** Number of pending (not cancelled) tasks. */
    public synchronized long pending() {
        return queue.stream().filter(t -> !t.cancelled).count();
    }
}
