package dev.xlatsentinel.translator.config;

import dev.xlatsentinel.translator.health.HealthPolicy;
import java.time.Duration;

/**
 * Rise/fall and timing of an instance, with the defaults filled in here, where the file is
 * bound (from {@link HealthPolicy#DEFAULTS}): rise 3, fall 3, interval 1s, fast interval
 * min(200ms, interval), timeout min(500ms, interval).
 *
 * @param required probes that must pass for a round to pass (k of n); null: all
 */
public record HealthSpec(Integer rise, Integer fall, Duration interval, Duration fastInterval, Duration timeout,
        Integer required) {
    /** {@code health:} left out. */
    public static final HealthSpec DEFAULT = new HealthSpec(null, null, null, null, null, null);

    public HealthSpec {
        HealthPolicy d = HealthPolicy.DEFAULTS;
        rise = rise == null ? d.rise() : rise;
        fall = fall == null ? d.fall() : fall;
        interval = interval == null ? d.interval() : interval;
        fastInterval = fastInterval == null ? min(d.fastInterval(), interval) : fastInterval;
        timeout = timeout == null ? min(d.timeout(), interval) : timeout;
    }

    /** The policy this spec means; call it on a checked spec ({@link ConfigValidator}). */
    public HealthPolicy policy() {
        return new HealthPolicy(rise, fall, interval, fastInterval, timeout, required == null ? 0 : required);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
