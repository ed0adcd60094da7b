package dev.xlatsentinel.frr.bfdd;

import java.time.Instant;

/**
 * A peer changed state or diagnostic between two polls of {@code show bfd peers json}.
 *
 * @param key  the peer
 * @param from the state before, or null when the peer was not there
 * @param to   the state now, or null when the peer is gone
 * @param diag this side's diagnostic now (NO_DIAGNOSTIC when the peer is gone)
 * @param peer what bfdd reported now, or null when the peer is gone
 * @param seen when the poll that saw it ran
 */
public record PeerStateChange(PeerKey key, PeerState from, PeerState to, BfdDiag diag, BfdPeer peer, Instant seen) {
    @Override
    public String toString() {
        return "bfdd peer " + key + ": " + (from == null ? "new" : from) + " -> " + (to == null ? "gone" : to)
                + (diag == BfdDiag.NO_DIAGNOSTIC ? "" : " (" + diag + ")");
    }
}
