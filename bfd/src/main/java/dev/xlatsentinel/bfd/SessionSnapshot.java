package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A session as it was at one moment, for status output. Immutable; holds no secret. Our
 * state variables (RFC 5880 §6.8.1) are at the top, the peer's in {@link Remote}, the
 * intervals in {@link Timers}.
 *
 * @param heldDown     held Down by the application (§6.8.18), with {@code heldDownDiag}
 * @param sourcePort   the UDP source port of our packets (RFC 5881 §4)
 * @param upSince      when the session last came Up, or null when not Up
 * @param counters     every {@link Counter}, zero ones included
 */
public record SessionSnapshot(SessionKey key, State state, Diagnostic localDiag, long localDiscriminator,
        boolean heldDown, Diagnostic heldDownDiag, Remote remote, Timers timers, Auth auth, int sourcePort,
        Instant lastChange, Instant upSince, Map<Counter, Long> counters) {

    /**
     * What the peer last told us (bfd.RemoteSessionState, bfd.RemoteDiscr, ... of §6.8.1).
     *
     * @param desiredMinTx  its Desired Min TX Interval
     * @param requiredMinRx its Required Min RX Interval
     * @param demand        whether it asked for Demand mode
     */
    public record Remote(State state, Diagnostic diag, long discriminator, int detectMult, Duration desiredMinTx,
            Duration requiredMinRx, boolean demand) {
    }

    /**
     * Our intervals, configured and negotiated.
     *
     * @param txInterval     negotiated interval between our packets (§6.8.2), before jitter
     * @param rxInterval     negotiated interval between the peer's packets
     * @param detectionTime  how long we wait for the peer before declaring Down (§6.8.4); zero
     *                       before the first packet
     * @param pollInProgress a Poll Sequence (§6.5) is running
     */
    public record Timers(int detectMult, Duration desiredMinTx, Duration requiredMinRx, Duration txInterval,
            Duration rxInterval, Duration detectionTime, boolean pollInProgress) {
    }

    /**
     * The authentication (RFC 5880 §4.2-4.4, §6.7): never a key.
     *
     * @param keyIds     IDs of the keys the session accepts, empty without authentication
     * @param sendKeyId  ID of the key it signs with, or null without authentication
     * @param peerKeyId  Auth Key ID of the last packet accepted from the peer (the key the peer
     *                   signs with), or null before one
     */
    public record Auth(AuthType type, List<Integer> keyIds, Integer sendKeyId, Integer peerKeyId) {
    }

    public long counter(Counter c) {
        return counters.getOrDefault(c, 0L);
    }

    /** Uptime at {@code now}, or zero when not Up. */
    public Duration uptime(Instant now) {
        return upSince == null ? Duration.ZERO : Duration.between(upSince, now);
    }
}
