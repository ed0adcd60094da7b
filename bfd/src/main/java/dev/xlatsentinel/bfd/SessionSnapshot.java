package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.bfd.session.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A session as it was at one moment, for status output. Immutable; holds no secret.
 *
 * @param txInterval     negotiated interval between our packets (§6.8.2), before jitter
 * @param rxInterval     negotiated interval between the peer's packets
 * @param detectionTime  how long we wait for the peer before declaring Down (§6.8.4); zero
 *                       before the first packet
 * @param authKeyIds     IDs of the keys the session accepts (RFC 5880 §6.7), empty without authentication
 * @param authSendKeyId  ID of the key it signs with, or null without authentication
 * @param peerAuthKeyId  Auth Key ID of the last packet accepted from the peer (the key the peer
 *                       signs with), or null before one
 * @param upSince        when the session last came Up, or null when not Up
 * @param counters       every {@link Counter}, zero ones included
 */
public record SessionSnapshot(SessionKey key, State state, State remoteState, Diagnostic localDiag,
        Diagnostic remoteDiag, long localDiscriminator, long remoteDiscriminator, int detectMult,
        int remoteDetectMult, Duration desiredMinTx, Duration requiredMinRx, Duration remoteDesiredMinTx,
        Duration remoteRequiredMinRx, Duration txInterval, Duration rxInterval, Duration detectionTime,
        boolean pollInProgress, boolean remoteDemand, boolean heldDown, Diagnostic heldDownDiag,
        AuthType authType, List<Integer> authKeyIds, Integer authSendKeyId, Integer peerAuthKeyId, int sourcePort,
        Instant lastChange, Instant upSince, Map<Counter, Long> counters) {

    public long counter(Counter c) {
        return counters.getOrDefault(c, 0L);
    }

    /** Uptime at {@code now}, or zero when not Up. */
    public Duration uptime(Instant now) {
        return upSince == null ? Duration.ZERO : Duration.between(upSince, now);
    }
}
