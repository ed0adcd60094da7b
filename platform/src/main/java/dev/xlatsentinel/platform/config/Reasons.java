package dev.xlatsentinel.platform.config;

import dev.xlatsentinel.platform.time.Durations;
import java.time.Duration;

/**
 * The words of the reasons that recur, so each is said one way in every module:
 * {@code 0 is outside 1 to 255}, {@code 0s is outside 1ms to 1m},
 * {@code missing (the router's address)}.
 */
public final class Reasons {
    private Reasons() {
    }

    /** A whole number out of its range. */
    public static String outside(long value, long min, long max) {
        return value + " is outside " + min + " to " + max;
    }

    /** A duration out of its range, each written as {@link Durations#format}. */
    public static String outside(Duration value, Duration min, Duration max) {
        return Durations.format(value) + " is outside " + Durations.format(min) + " to " + Durations.format(max);
    }

    /** A required field left out, with what belongs there. */
    public static String missing(String what) {
        return "missing (" + what + ")";
    }

    /** A number as written: {@code 750}, {@code 0.5}. */
    public static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
