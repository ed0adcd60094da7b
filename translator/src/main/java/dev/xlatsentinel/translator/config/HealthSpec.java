package dev.xlatsentinel.translator.config;

import java.time.Duration;

/**
 * Rise/fall and timing of an instance; every field may be null (default from
 * {@link dev.xlatsentinel.translator.health.HealthPolicy#DEFAULTS}).
 *
 * @param required probes that must pass for a round to pass (k of n); null: all
 */
public record HealthSpec(Integer rise, Integer fall, Duration interval, Duration fastInterval, Duration timeout,
        Integer required) {
}
