package dev.xlatsentinel.frr.bfdd;

/** A session's state as bfdd reports it in {@code "status"} (RFC 5880 §4.1 State, plus "unknown"). */
public enum PeerState {
    UP("up"),
    DOWN("down"),
    INIT("init"),
    /** AdminDown: bfdd prints "shutdown" for a peer shut down on this side. */
    ADMIN_DOWN("shutdown"),
    UNKNOWN("unknown");

    private final String frrName;

    PeerState(String frrName) {
        this.frrName = frrName;
    }

    public static PeerState of(String status) {
        for (PeerState s : values()) {
            if (s.frrName.equals(status)) {
                return s;
            }
        }
        return UNKNOWN;
    }

    /** The word bfdd uses. */
    public String frrName() {
        return frrName;
    }
}
