package dev.xlatsentinel.frr.vty;

import dev.xlatsentinel.frr.FrrException;

/**
 * The daemon cannot be talked to now: socket missing, connection refused or lost, client
 * closed, or (the subclass) no answer in time. Nothing is known about whether the last command
 * took effect; desired state is re-applied when the client reconnects.
 */
public class VtyUnreachableException extends FrrException {
    private static final long serialVersionUID = 1L;

    private final transient Reachability reachability;

    /** "bfdd (/run/frr/bfdd.vty) unreachable since ...: reason". */
    public VtyUnreachableException(String daemon, Reachability reachability) {
        this(reachability, daemon + " " + reachability);
    }

    protected VtyUnreachableException(Reachability reachability, String message) {
        super(message);
        this.reachability = reachability;
    }

    /** The client's state when this was thrown. */
    public Reachability reachability() {
        return reachability;
    }
}
