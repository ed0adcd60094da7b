package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A session as it was at one moment, for status output. Immutable; holds no secret.
 *
 * @param txInterval     negotiated interval between our packets (§6.8.2), before jitter
 * @param rxInterval     negotiated interval between the peer's packets
 * @param detectionTime  how long we wait for the peer before declaring Down (§6.8.4); zero
 *                       before the first packet
 * @param upSince        when the session last came Up, or null when not Up
 * @param authKeyId      the key ID of the authentication (RFC 5880 §4.2), 0 without; never the key
 * @param counters       every {@link Counter}, zero ones included
 */
public record SessionSnapshot(SessionKey key, State state, State remoteState, Diagnostic localDiag,
        Diagnostic remoteDiag, long localDiscriminator, long remoteDiscriminator, int detectMult,
        int remoteDetectMult, Duration desiredMinTx, Duration requiredMinRx, Duration remoteDesiredMinTx,
        Duration remoteRequiredMinRx, Duration txInterval, Duration rxInterval, Duration detectionTime,
        boolean pollInProgress, boolean remoteDemand, boolean heldDown, Diagnostic heldDownDiag,
        AuthType authType, int authKeyId, int sourcePort, Instant lastChange, Instant upSince, Map<Counter, Long> counters) {

    public long counter(Counter c) {
        return counters.getOrDefault(c, 0L);
    }

    /** Uptime at {@code now}, or zero when not Up. */
    public Duration uptime(Instant now) {
        return upSince == null ? Duration.ZERO : Duration.between(upSince, now);
    }
}
