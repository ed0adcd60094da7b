package dev.xlatsentinel.frr.vty;

import java.time.Instant;

/**
 * Whether the client can talk to its daemon now, since when, and (when it cannot) why: what
 * the agent shows in its status and what callers get instead of waiting.
 */
public record Reachability(boolean reachable, Instant since, String reason) {

    public static Reachability up(Instant since) {
        return new Reachability(true, since, "");
    }

    public static Reachability down(Instant since, String reason) {
        return new Reachability(false, since, reason);
    }

    @Override
    public String toString() {
        return reachable ? "reachable since " + since : "unreachable since " + since + ": " + reason;
    }
}
