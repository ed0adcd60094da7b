package dev.xlatsentinel.frr.vty;

import java.util.List;

/**
 * Exclusive use of one live connection for a sequence of commands (see
 * {@link VtyClient#call}). Every method is one or more round trips of one command each.
 * Outside {@link #configure} the vty is in ENABLE node, where vtysh leaves it.
 */
public interface VtySession {

    /** Sends one command line and returns the reply, whatever its status. */
    VtyReply send(String line);

    /** Sends one command; returns its text on CMD_SUCCESS, else throws the typed {@link CommandRejected}. */
    String execute(String line);

    /**
     * Runs {@code lines} in configure mode, in order: {@code configure terminal} (the form FRR
     * 8.4 needs; 10.x also accepts plain {@code configure}), each line, then {@code end}, which
     * is sent even when a line fails so the vty is back in ENABLE node. Stops at the first
     * line FRR rejects, including a CMD_SUCCESS whose text starts with '%'
     * ({@link VtyReply#textReportsFailure()}), and throws it; lines before it stay applied
     * (FRR commits each line as it comes), so callers that need all-or-nothing roll back.
     */
    void configure(List<String> lines);

    /**
     * Which connection this is: it grows by one at every (re)connect, so state remembered as
     * applied on an older connection (to a daemon that may have restarted since) is stale.
     */
    long generation();
}
