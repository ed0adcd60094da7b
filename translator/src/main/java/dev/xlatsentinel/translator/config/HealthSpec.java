package dev.xlatsentinel.translator.config;

import dev.xlatsentinel.translator.health.HealthPolicy;
import java.time.Duration;

/**
 * Rise/fall and timing of an instance, with the defaults filled in here, where the file is
 * bound (from {@link HealthPolicy#DEFAULTS}): rise 3, fall 3, interval 1s, fast interval
 * min(200ms, interval), timeout min(500ms, interval), max timeout
 * {@link HealthPolicy#defaultMaxTimeout}.
 *
 * @param required   probes that must pass for a round to pass (k of n); null: all
 * @param maxTimeout ceiling of the datapath probes' adaptive deadline (RFC 6298 SRTT + 4 x
 *                   RTTVAR); left out: ten times the timeout, at most 1s; equal to timeout: fixed
 * @param confirmEarly while UP, a round whose datapath has not answered by fastInterval starts
 *                   the next one beside it ({@link HealthPolicy#confirmEarly}); left out: false
 */
public record HealthSpec(Integer rise, Integer fall, Duration interval, Duration fastInterval, Duration timeout,
        Integer required, Duration maxTimeout, Boolean confirmEarly) {
    /** {@code health:} left out. */
    public static final HealthSpec DEFAULT = new HealthSpec(null, null, null, null, null, null, null, null);

    public HealthSpec {
        HealthPolicy d = HealthPolicy.DEFAULTS;
        rise = rise == null ? d.rise() : rise;
        fall = fall == null ? d.fall() : fall;
        interval = interval == null ? d.interval() : interval;
        fastInterval = fastInterval == null ? min(d.fastInterval(), interval) : fastInterval;
        timeout = timeout == null ? min(d.timeout(), interval) : timeout;
        maxTimeout = maxTimeout == null ? HealthPolicy.defaultMaxTimeout(timeout) : maxTimeout;
        confirmEarly = confirmEarly != null && confirmEarly;
    }

    public HealthSpec(Integer rise, Integer fall, Duration interval, Duration fastInterval, Duration timeout,
            Integer required, Duration maxTimeout) {
        this(rise, fall, interval, fastInterval, timeout, required, maxTimeout, null);
    }

    public HealthSpec(Integer rise, Integer fall, Duration interval, Duration fastInterval, Duration timeout,
            Integer required) {
        this(rise, fall, interval, fastInterval, timeout, required, null, null);
    }

    /** The policy this spec means; call it on a checked spec ({@link ConfigValidator}). */
    public HealthPolicy policy() {
        return new HealthPolicy(rise, fall, interval, fastInterval, timeout, required == null ? 0 : required,
                maxTimeout, confirmEarly);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
