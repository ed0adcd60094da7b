package dev.xlatsentinel.frr.vty;

/**
 * Runs on every (re)connect, before callers see the daemon as reachable: the place to
 * re-apply desired state to a daemon that restarted with its own (older) configuration.
 * Throwing {@link VtyUnreachableException} counts as a failed attempt (the client retries);
 * a {@link CommandRejected} is logged and the connection is kept.
 */
@FunctionalInterface
public interface ConnectionListener {
    void connected(VtySession session);
}
