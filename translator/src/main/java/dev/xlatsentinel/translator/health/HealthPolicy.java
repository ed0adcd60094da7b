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
 * @param maxTimeout   the ceiling of a datapath probe's adaptive deadline (its RTT history,
 *                     RFC 6298); equal to {@code timeout}: fixed
 * @param confirmEarly while UP, a round whose datapath probes have not answered
 *                     {@code fastInterval} after its start starts the next round then, beside it,
 *                     instead of after its end: a silent path fails its second round one deadline
 *                     sooner. The price: a silence of about {@code fastInterval} + the deadline
 *                     fails {@code fall} 2 rounds, where it took two deadlines
 */
public record HealthPolicy(int rise, int fall, Duration interval, Duration fastInterval, Duration timeout,
        int required, Duration maxTimeout, boolean confirmEarly) {
    /**
     * Defaults: rise 3 and fall 3 as ExaBGP's healthcheck; interval 1 s as keepalived's
     * vrrp_script; fast interval 200 ms (ExaBGP's 1:5 ratio of fast to normal interval);
     * timeout 500 ms (half the interval, so a slow round never delays the next one); the
     * adaptive deadline of datapath probes up to 1 s.
     */
    public static final HealthPolicy DEFAULTS = new HealthPolicy(3, 3, Duration.ofSeconds(1), Duration.ofMillis(200),
            Duration.ofMillis(500), 0, Duration.ofSeconds(1), false);

    /** Rounds one after another ({@code confirmEarly} off). */
    public HealthPolicy(int rise, int fall, Duration interval, Duration fastInterval, Duration timeout,
            int required, Duration maxTimeout) {
        this(rise, fall, interval, fastInterval, timeout, required, maxTimeout, false);
    }

    /** A fixed timeout: {@code maxTimeout} equal to {@code timeout}. */
    public HealthPolicy(int rise, int fall, Duration interval, Duration fastInterval, Duration timeout, int required) {
        this(rise, fall, interval, fastInterval, timeout, required, timeout, false);
    }

    /** The same policy with {@code confirmEarly} set. */
    public HealthPolicy withConfirmEarly(boolean on) {
        return new HealthPolicy(rise, fall, interval, fastInterval, timeout, required, maxTimeout, on);
    }

    /**
     * The default ceiling of the adaptive deadline: ten times the timeout, at most 1 s (and
     * never below the timeout). Measured in the lab (docs/failover.md "Load and correlated
     * failure"): probes through a saturated TAYGA took 5-50 ms.
     */
    public static Duration defaultMaxTimeout(Duration timeout) {
        Duration ten = timeout.multipliedBy(10);
        Duration cap = Duration.ofSeconds(1);
        return ten.compareTo(cap) <= 0 ? ten : timeout.compareTo(cap) >= 0 ? timeout : cap;
    }

    /**
     * How long a probe may go without a real result (only cuts) before a cut counts as a
     * failure: fall + 1 intervals (the last real result came a round before the first cut),
     * at least 1 s. Shorter lateness is the agent's own (CPU, GC), not the translator's.
     */
    public Duration hungLimit() {
        Duration f = interval.multipliedBy(fall + 1L);
        return f.compareTo(Duration.ofSeconds(1)) >= 0 ? f : Duration.ofSeconds(1);
    }

    /**
     * How recent an answer through the datapath of a saturated translator must be for its
     * timeouts to count as busy: the ceiling of the adaptive deadline, at least 10 s.
     * Measured (docs/failover.md "Load and correlated failure"): through a TAYGA saturated on
     * 2 shared vCPUs, where the agent itself was starved (probe rounds up to 260 ms late),
     * 3.5 s passed without one probe answer; windows of 1 s and 3 s still withdrew working
     * gateways. It is also the longest a saturated translator whose output is silently
     * dropped stays announced: the price of not withdrawing busy ones.
     */
    public Duration replyWindow() {
        Duration floor = Duration.ofSeconds(10);
        return maxTimeout.compareTo(floor) >= 0 ? maxTimeout : floor;
    }

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
        if (maxTimeout == null || maxTimeout.compareTo(timeout) < 0) {
            throw new IllegalArgumentException("maxTimeout must be >= timeout");
        }
    }
}
