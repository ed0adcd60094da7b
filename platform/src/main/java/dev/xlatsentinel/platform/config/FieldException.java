package dev.xlatsentinel.platform.config;

import java.util.function.Function;

/**
 * Bad input at an API, naming the field: thrown by constructors and builders that refuse a
 * value ({@code detectMult}, {@code localAddress}), so a caller that bound the input can
 * report {@link #error()} with its own path and position instead of parsing the message.
 */
public class FieldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String reason;

    public FieldException(String field, String reason) {
        this(field, reason, null);
    }

    public FieldException(String field, String reason, Throwable cause) {
        super(field + ": " + reason, cause);
        this.field = field;
        this.reason = reason;
    }

    /**
     * {@code parser} applied to {@code text}, its IllegalArgumentException turned into one that
     * names {@code field}: {@code FieldException.parse("peer", text, IpAddresses::parse)}.
     */
    public static <T> T parse(String field, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (FieldException e) {
            throw new FieldException(field + "." + e.field(), e.reason(), e);
        } catch (IllegalArgumentException e) {
            throw new FieldException(field, e.getMessage(), e);
        }
    }

    /** The offending field, relative to the object that refused it ({@code detectMult}, {@code auth.secret}). */
    public String field() {
        return field;
    }

    /** Why, without the field. */
    public String reason() {
        return reason;
    }

    public FieldError error() {
        return FieldError.of(field, reason);
    }
}
