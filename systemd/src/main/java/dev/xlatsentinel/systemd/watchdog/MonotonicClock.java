package dev.xlatsentinel.systemd.watchdog;

/** Monotonic time in nanoseconds; tests pass a clock they advance by hand. */
@FunctionalInterface
public interface MonotonicClock {
    /** {@link System#nanoTime()}: CLOCK_MONOTONIC on Linux. */
    MonotonicClock SYSTEM = System::nanoTime;

    long nanos();
}
