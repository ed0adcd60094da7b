package dev.xlatsentinel.frr.vty;

/**
 * No answer in time: the daemon accepted the command (or the connection) and did not reply
 * within the reply timeout, or another caller's exchange held the connection too long. After
 * a reply timeout the client drops that connection, because a late reply would be taken for
 * the answer to the next command, and reconnects.
 */
public final class VtyTimeoutException extends VtyUnreachableException {
    private static final long serialVersionUID = 1L;

    public VtyTimeoutException(String message, Reachability reachability) {
        super(reachability, message);
    }
}
