package dev.xlatsentinel.translator.health;

import java.time.Duration;

/**
 * How an instance's probe rounds become a state.
 *
 * @param rise         consecutive passing rounds to go (or start) UP
 * @param fall         consecutive failing rounds to go DOWN
 * @param interval     time between round starts when nothing is pending
 * @param fastInterval time between round starts while a change is pending (STARTING, or a
 *                     streak against the current state has begun)
 * @param timeout      per-probe timeout; at most {@code interval}
 * @param required     probes that must pass for a round to pass; 0 means all
 */
public record HealthPolicy(int rise, int fall, Duration interval, Duration fastInterval, Duration timeout,
        int required) {
    /**
     * Defaults: rise 3 and fall 3 as ExaBGP's healthcheck; interval 1 s as keepalived's
     * vrrp_script; fast interval 200 ms (ExaBGP's 1:5 ratio of fast to normal interval);
     * timeout 500 ms (half the interval, so a slow round never delays the next one).
     */
    public static final HealthPolicy DEFAULTS = new HealthPolicy(3, 3, Duration.ofSeconds(1), Duration.ofMillis(200),
            Duration.ofMillis(500), 0);

    public HealthPolicy {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be >= 1");
        }
        if (interval.isNegative() || interval.isZero() || fastInterval.isNegative() || fastInterval.isZero()) {
            throw new IllegalArgumentException("intervals must be > 0");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0) {
            throw new IllegalArgumentException("timeout must be > 0 and <= interval");
        }
        if (required < 0) {
            throw new IllegalArgumentException("required must be >= 0");
        }
    }
}
