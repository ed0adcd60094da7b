package dev.xlatsentinel.platform.time;

import java.time.Instant;

/**
 * Time, injected: monotonic nanoseconds for intervals, deadlines and timers, and the wall
 * clock for the timestamps operators read. Libraries never read a global clock, so tests
 * drive time by hand with {@link ManualClock} (no sleeps).
 */
public interface Clock {
    /** {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux) and {@link Instant#now()}. */
    Clock SYSTEM = new SystemClock();

    /** Monotonic time in nanoseconds, for intervals and deadlines; only differences mean anything. */
    long nanoTime();

    /** Wall-clock time, for the timestamps operators read. */
    Instant now();
}
