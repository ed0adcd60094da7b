package dev.xlatsentinel.frr.vty;

import java.time.Duration;

/**
 * Timing of a {@link VtyClient}, validated here so nothing starts with a nonsense value.
 *
 * @param connectTimeout  how long one connection attempt may take
 * @param replyTimeout    how long one command may wait for its reply
 * @param retryInitial    first wait between reconnection attempts
 * @param retryMax        longest wait between reconnection attempts (exponential backoff up to it)
 * @param livenessEvery   how often an idle connection is checked for a daemon that went away
 */
public record VtyClientConfig(Duration connectTimeout, Duration replyTimeout, Duration retryInitial,
        Duration retryMax, Duration livenessEvery) {

    public static final VtyClientConfig DEFAULTS = new VtyClientConfig(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMillis(500));

    public VtyClientConfig {
        positive("connectTimeout", connectTimeout);
        positive("replyTimeout", replyTimeout);
        positive("retryInitial", retryInitial);
        positive("retryMax", retryMax);
        positive("livenessEvery", livenessEvery);
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException("retryMax: " + retryMax + " is shorter than retryInitial " + retryInitial);
        }
    }

    public VtyClientConfig withReplyTimeout(Duration d) {
        return new VtyClientConfig(connectTimeout, d, retryInitial, retryMax, livenessEvery);
    }

    /**
     * How long a caller waits for another caller's exchange to finish before giving up: a few
     * replies' worth, since one configure block is several round trips.
     */
    Duration lockTimeout() {
        return replyTimeout.multipliedBy(4).plus(connectTimeout);
    }

    private static void positive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + ": must be a positive duration, got " + d);
        }
    }
}
