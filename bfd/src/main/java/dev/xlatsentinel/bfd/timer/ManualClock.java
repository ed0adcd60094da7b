package dev.xlatsentinel.bfd.timer;

import java.time.Duration;

/** A clock that moves only when told; for tests and simulations. Not thread-safe. */
public final class ManualClock implements Clock {
    private long now;

    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    public long advance(Duration d) {
        now += d.toNanos();
        return now;
    }

    public long advanceNanos(long nanos) {
        now += nanos;
        return now;
    }

    public void set(long nanos) {
        now = nanos;
    }
}
