package dev.xlatsentinel.bfd.codec;

/** Session state as carried in the Sta field (RFC 5880 §4.1). */
public enum State {
    ADMIN_DOWN(0, "AdminDown"),
    DOWN(1, "Down"),
    INIT(2, "Init"),
    UP(3, "Up");

    private static final State[] BY_CODE = values();

    private final int code;
    private final String label;

    State(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The two-bit wire value. */
    public int code() {
        return code;
    }

    /** The RFC's name, as operators read it in logs. */
    public String label() {
        return label;
    }

    /** The state for a two-bit wire value; every value 0-3 is defined. */
    public static State of(int code) {
        return BY_CODE[code & 0x3];
    }

    @Override
    public String toString() {
        return label;
    }
}
