package dev.xlatsentinel.systemd.watchdog;

import java.time.Duration;

/** A monotonic clock that moves only when the test says so. */
final class ManualClock implements MonotonicClock {
    private long now = 1_000_000_000L;

    @Override
    public long nanos() {
        return now;
    }

    void advance(Duration d) {
        now += d.toNanos();
    }
}
