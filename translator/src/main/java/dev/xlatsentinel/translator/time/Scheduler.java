package dev.xlatsentinel.translator.time;

import java.time.Duration;
import java.time.Instant;

/**
 * Time and timers for probes and health: the clock is passed in, never read from a global,
 * so unit tests drive it by hand ({@link ManualScheduler}) and production uses
 * {@link SystemScheduler}. Tasks must be short: they run on the scheduler's thread.
 */
public interface Scheduler {
    /** Monotonic time for intervals and deadlines. */
    long nanoTime();

    /** Wall-clock time for the timestamps operators read. */
    Instant now();

    /** Runs {@code task} once after {@code delay}; the returned handle cancels it. */
    Timer schedule(Duration delay, Runnable task);

    /** A scheduled task; cancelling a task that already ran does nothing. */
    interface Timer {
        void cancel();
    }
}
