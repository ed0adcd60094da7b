package dev.xlatsentinel.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: {@code 10ms}, {@code 1.5s}, {@code 2m}, {@code 1h},
 * {@code 500us}, or ISO-8601 ({@code PT0.01S}). A bare number is refused: the unit is never
 * guessed.
 */
public final class Durations extends JsonDeserializer<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|m|h)");

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return (Duration) ctx.handleUnexpectedToken(Duration.class, p.currentToken(), p,
                    "a duration needs a unit, e.g. \"10ms\", \"1s\", \"2m\"; got %s", p.getText());
        }
        String text = p.getText().trim();
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return (Duration) ctx.handleWeirdStringValue(Duration.class, text, e.getMessage());
        }
    }

    public static Duration parse(String text) {
        if (text.trim().startsWith("P")) {
            try {
                return Duration.parse(text.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: \"" + text + "\" (" + e.getMessage() + ")");
            }
        }
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: \"" + text
                    + "\" (write a number and a unit: us, ms, s, m, h; e.g. \"10ms\")");
        }
        double value = Double.parseDouble(m.group(1));
        long unitNanos = switch (m.group(2)) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        double nanos = value * unitNanos;
        if (nanos > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("duration too long: \"" + text + "\"");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** The shortest exact form: {@code 10ms}, {@code 1s}, {@code 1500ms}, {@code 2m}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 3_600_000_000_000L == 0 && nanos > 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 60_000_000_000L == 0 && nanos > 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos / 1_000L + "us";
    }
}
