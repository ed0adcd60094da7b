package dev.xlatsentinel.translator.config;

import java.time.Duration;

/**
 * Rise/fall and timing of an instance; every field may be null (default from
 * {@link dev.xlatsentinel.translator.health.HealthPolicy#DEFAULTS}).
 *
 * @param required   probes that must pass for a round to pass (k of n); null: all
 * @param maxTimeout ceiling of the datapath probes' adaptive deadline (RFC 6298 SRTT + 4 x
 *                   RTTVAR); null: ten times the timeout, at most 1 s; equal to timeout: fixed
 */
public record HealthSpec(Integer rise, Integer fall, Duration interval, Duration fastInterval, Duration timeout,
        Integer required, Duration maxTimeout) {
    public HealthSpec(Integer rise, Integer fall, Duration interval, Duration fastInterval, Duration timeout,
            Integer required) {
        this(rise, fall, interval, fastInterval, timeout, required, null);
    }
}
