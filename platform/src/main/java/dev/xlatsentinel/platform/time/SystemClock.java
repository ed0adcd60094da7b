package dev.xlatsentinel.platform.time;

import java.time.Instant;

/** The real clock; {@link SystemScheduler} adds a timer thread to it. */
class SystemClock implements Clock {
    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant now() {
        return Instant.now();
    }
}
