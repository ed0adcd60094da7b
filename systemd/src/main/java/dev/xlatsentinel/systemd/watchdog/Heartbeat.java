package dev.xlatsentinel.systemd.watchdog;

import dev.xlatsentinel.platform.time.Clock;
import dev.xlatsentinel.platform.time.Durations;
import java.time.Duration;

/**
 * The common liveness check: a loop calls {@link #beat()} each time it runs (for example
 * from a task scheduled on the BFD event loop every few hundred milliseconds), and the check
 * fails once no beat came for longer than {@code maxSilence}.
 *
 * <p>Until the first beat, the creation time counts as one, so a loop that never starts is
 * caught too.
 */
public final class Heartbeat implements LivenessCheck {
    private final Clock clock;
    private final long maxSilenceNanos;
    private volatile long lastBeat;

    public Heartbeat(Clock clock, Duration maxSilence) {
        if (maxSilence.isNegative() || maxSilence.isZero()) {
            throw new IllegalArgumentException("heartbeat maxSilence must be positive: " + maxSilence);
        }
        this.clock = clock;
        this.maxSilenceNanos = maxSilence.toNanos();
        this.lastBeat = clock.nanoTime();
    }

    /** The loop ran; cheap enough to call on every iteration. */
    public void beat() {
        lastBeat = clock.nanoTime();
    }

    @Override
    public Liveness check() {
        long silence = clock.nanoTime() - lastBeat;
        if (silence <= maxSilenceNanos) {
            return Liveness.ALIVE;
        }
        return Liveness.stalled("no heartbeat for " + Durations.format(Duration.ofNanos(silence)) + ", limit "
                + Durations.format(Duration.ofNanos(maxSilenceNanos)));
    }
}
