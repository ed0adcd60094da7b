package dev.xlatsentinel.platform.time;

import java.time.Duration;

/**
 * A {@link Clock} that also runs tasks later: probes and health rounds take it from outside,
 * so unit tests drive it by hand ({@link ManualClock}) and production uses
 * {@link SystemScheduler}. Tasks must be short: they run on the scheduler's thread.
 *
 * <p>Code that owns an event loop can instead keep its deadlines as plain longs and take
 * the time as an argument ({@code poll(now)}, as the BFD library's timer heap does); it then
 * needs only the {@link Clock}.
 */
public interface Scheduler extends Clock {
    /** Runs {@code task} once after {@code delay}; the returned handle cancels it. */
    Timer schedule(Duration delay, Runnable task);

    /** A scheduled task; cancelling a task that already ran does nothing. */
    interface Timer {
        void cancel();
    }
}
