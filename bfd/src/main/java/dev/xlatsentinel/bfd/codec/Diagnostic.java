package dev.xlatsentinel.bfd.codec;

/**
 * The Diagnostic (Diag) field (RFC 5880 §4.1): why the sender's session last left Up.
 * Values 9-31 are reserved on the wire; a received reserved value reads as {@link #RESERVED}.
 */
public enum Diagnostic {
    NONE(0, "none"),
    CONTROL_DETECTION_TIME_EXPIRED(1, "control-detection-time-expired"),
    ECHO_FUNCTION_FAILED(2, "echo-function-failed"),
    NEIGHBOR_SIGNALED_SESSION_DOWN(3, "neighbor-signaled-session-down"),
    FORWARDING_PLANE_RESET(4, "forwarding-plane-reset"),
    PATH_DOWN(5, "path-down"),
    CONCATENATED_PATH_DOWN(6, "concatenated-path-down"),
    ADMINISTRATIVELY_DOWN(7, "administratively-down"),
    REVERSE_CONCATENATED_PATH_DOWN(8, "reverse-concatenated-path-down"),
    /** A value 9-31 received from a peer; never sent. */
    RESERVED(-1, "reserved");

    private static final Diagnostic[] BY_CODE = {NONE, CONTROL_DETECTION_TIME_EXPIRED, ECHO_FUNCTION_FAILED,
        NEIGHBOR_SIGNALED_SESSION_DOWN, FORWARDING_PLANE_RESET, PATH_DOWN, CONCATENATED_PATH_DOWN,
        ADMINISTRATIVELY_DOWN, REVERSE_CONCATENATED_PATH_DOWN};

    private final int code;
    private final String label;

    Diagnostic(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The five-bit wire value ({@code -1} for {@link #RESERVED}). */
    public int code() {
        return code;
    }

    /** The operator's name, e.g. {@code path-down}. */
    public String label() {
        return label;
    }

    /** The diagnostic for a five-bit wire value. */
    public static Diagnostic of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : RESERVED;
    }

    /** Parses an operator's name ({@code path-down}) or a number ({@code 5}). */
    public static Diagnostic parse(String text) {
        for (Diagnostic d : BY_CODE) {
            if (d.label.equals(text) || Integer.toString(d.code).equals(text)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown BFD diagnostic '" + text + "'");
    }

    @Override
    public String toString() {
        return label;
    }
}
