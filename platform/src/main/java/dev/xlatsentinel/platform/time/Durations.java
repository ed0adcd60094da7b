package dev.xlatsentinel.platform.time;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write and read them, one grammar both ways: a number and a unit,
 * {@code us}, {@code ms}, {@code s}, {@code m} or {@code h} ({@code 10ms}, {@code 1.5s},
 * {@code 2m}, {@code 250us}), or ISO-8601 ({@code PT0.01S}). A bare number is refused: the
 * unit is never guessed. What {@link #format} writes, {@link #parse} reads back.
 */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|m|h)");
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long M = 60 * S;
    private static final long H = 60 * M;

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    public static Duration parse(String text) {
        String t = text.trim();
        if (t.startsWith("P")) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: \"" + text + "\" (" + e.getMessage() + ")");
            }
        }
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: \"" + text
                    + "\" (write a number and a unit: us, ms, s, m, h; e.g. \"10ms\")");
        }
        double value = Double.parseDouble(m.group(1));
        long unitNanos = switch (m.group(2)) {
            case "us" -> US;
            case "ms" -> MS;
            case "s" -> S;
            case "m" -> M;
            default -> H;
        };
        double nanos = value * unitNanos;
        if (nanos > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("duration too long: \"" + text + "\"");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /**
     * The largest unit the duration reaches, with at most three decimals (so exact to the
     * next smaller unit): {@code 10ms}, {@code 1.5s}, {@code 1.234ms}, {@code 250us},
     * {@code 2m}, {@code 90s}, {@code 0s}. Minutes and hours only when whole.
     */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos % H == 0) {
            return nanos / H + "h";
        }
        if (nanos % M == 0) {
            return nanos / M + "m";
        }
        if (nanos >= S) {
            return in(nanos, S) + "s";
        }
        if (nanos >= MS) {
            return in(nanos, MS) + "ms";
        }
        return in(nanos, US) + "us";
    }

    private static String in(long nanos, long unit) {
        return BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(unit), 3, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }
}
