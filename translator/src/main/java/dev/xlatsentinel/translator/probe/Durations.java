package dev.xlatsentinel.translator.probe;

import java.time.Duration;

/** Durations the way operators write them: {@code 200 ms}, {@code 1.5 s}, {@code 250 us}. */
public final class Durations {
    private Durations() {
    }

    public static String human(Duration d) {
        long nanos = d.toNanos();
        if (nanos < 1_000_000) {
            return (nanos / 1000) + " us";
        }
        if (nanos < 10_000_000_000L && nanos % 1_000_000_000L != 0) {
            double ms = nanos / 1e6;
            return (ms == Math.rint(ms) ? Long.toString((long) ms) : String.format(java.util.Locale.ROOT, "%.1f", ms))
                    + " ms";
        }
        double s = nanos / 1e9;
        return (s == Math.rint(s) ? Long.toString((long) s) : String.format(java.util.Locale.ROOT, "%.1f", s)) + " s";
    }
}
