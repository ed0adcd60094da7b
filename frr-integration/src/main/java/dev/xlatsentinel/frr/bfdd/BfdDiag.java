package dev.xlatsentinel.frr.bfdd;

/** RFC 5880 §4.1 diagnostic codes, matched from bfdd's words (bfdd/bfd.c, diag2str). */
public enum BfdDiag {
    NO_DIAGNOSTIC(0, "ok"),
    CONTROL_DETECTION_TIME_EXPIRED(1, "control detection time expired"),
    ECHO_FUNCTION_FAILED(2, "echo function failed"),
    NEIGHBOR_SIGNALED_SESSION_DOWN(3, "neighbor signaled session down"),
    FORWARDING_PLANE_RESET(4, "forwarding plane reset"),
    PATH_DOWN(5, "path down"),
    CONCATENATED_PATH_DOWN(6, "concatenated path down"),
    ADMINISTRATIVELY_DOWN(7, "administratively down"),
    REVERSE_CONCATENATED_PATH_DOWN(8, "reverse concatenated path down"),
    UNKNOWN(-1, "unknown");

    private final int code;
    private final String frrName;

    BfdDiag(int code, String frrName) {
        this.code = code;
        this.frrName = frrName;
    }

    public static BfdDiag of(String frrText) {
        for (BfdDiag d : values()) {
            if (d.frrName.equals(frrText)) {
                return d;
            }
        }
        return UNKNOWN;
    }

    public int code() {
        return code;
    }
}
