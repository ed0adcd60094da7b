package dev.xlatsentinel.bfd;

/** Bad input at the API: names the field; nothing was changed in the engine. */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidConfigException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The offending field, e.g. {@code detectMult} or {@code auth.secret}. */
    public String field() {
        return field;
    }
}
