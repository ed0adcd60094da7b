package dev.xlatsentinel.bfd.timer;

/**
 * Monotonic time in nanoseconds, injected so that state-machine and timer tests run on a
 * manual clock (no sleeps).
 */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::nanoTime;

    long nanoTime();
}
