package dev.xlatsentinel.frr.vty;

/**
 * One reply from a daemon's vty: the text it printed and the status byte that ended it.
 *
 * @param command   the command line that was sent
 * @param status    the decoded status
 * @param rawStatus the status byte as received (differs from {@code status.code()} only for UNKNOWN)
 * @param text      everything the daemon printed, UTF-8, without the terminator
 */
public record VtyReply(String command, CmdStatus status, int rawStatus, String text) {

    public boolean isSuccess() {
        return status == CmdStatus.SUCCESS;
    }

    /**
     * True when the daemon reported a failure only in its text. FRR 8.4's northbound CLI
     * returns CMD_SUCCESS with "% Failed to edit configuration" for YANG edit errors (seen
     * with an over-long {@code profile} name), and staticd answers "% Refusing to remove a
     * non-existent route" with CMD_SUCCESS; configuration commands print nothing when they
     * work, so in configure mode any line starting with '%' is a rejection.
     */
    public boolean textReportsFailure() {
        for (String line : text.split("\n")) {
            if (line.startsWith("%")) {
                return true;
            }
        }
        return false;
    }

    /** FRR's message without trailing newlines, for errors and logs. */
    public String message() {
        return text.strip();
    }
}
