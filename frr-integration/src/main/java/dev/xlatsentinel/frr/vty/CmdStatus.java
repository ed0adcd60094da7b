package dev.xlatsentinel.frr.vty;

/**
 * The status byte that ends every vty reply: FRR's {@code CMD_*} return codes, as defined in
 * {@code lib/command.h} (identical from FRR 8.4 to 10.x). A daemon writes the command's own
 * return value into the fourth byte of the {@code \0\0\0<status>} terminator.
 */
public enum CmdStatus {
    SUCCESS(0),
    WARNING(1),
    ERR_NO_MATCH(2),
    ERR_AMBIGUOUS(3),
    ERR_INCOMPLETE(4),
    ERR_EXEED_ARGC_MAX(5),
    ERR_NOTHING_TODO(6),
    COMPLETE_FULL_MATCH(7),
    COMPLETE_MATCH(8),
    COMPLETE_LIST_MATCH(9),
    SUCCESS_DAEMON(10),
    ERR_NO_FILE(11),
    SUSPEND(12),
    WARNING_CONFIG_FAILED(13),
    NOT_MY_INSTANCE(14),
    NO_LEVEL_UP(15),
    ERR_NO_DAEMON(16),
    /** A code this table does not know (a newer FRR); {@link VtyReply#rawStatus()} keeps it. */
    UNKNOWN(-1);

    private static final CmdStatus[] BY_CODE = new CmdStatus[17];

    static {
        for (CmdStatus s : values()) {
            if (s.code >= 0) {
                BY_CODE[s.code] = s;
            }
        }
    }

    private final int code;

    CmdStatus(int code) {
        this.code = code;
    }

    /** The numeric value of {@code CMD_<name>} in lib/command.h, or -1 for {@link #UNKNOWN}. */
    public int code() {
        return code;
    }

    /** The status for a received byte (0-255). */
    public static CmdStatus of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}
