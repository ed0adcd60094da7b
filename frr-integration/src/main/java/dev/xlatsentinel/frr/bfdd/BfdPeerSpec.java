package dev.xlatsentinel.frr.bfdd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.config.Reasons;

/**
 * The whole desired configuration of one bfdd peer, as the agent reads it from YAML. A null
 * number means FRR's default (which defers to the peer's {@code profile} when one is set:
 * in bfdd a peer-level value equal to the default does not override the profile).
 *
 * @param peer               remote address (required)
 * @param localAddress       source address (required for multihop)
 * @param iface              interface of a single-hop session ({@code interface} in YAML)
 * @param vrf                VRF name, null for the default VRF
 * @param multihop           RFC 5883 multihop session
 * @param receiveIntervalMs  required min RX interval, 10-60000 ms (default 300)
 * @param transmitIntervalMs desired min TX interval, 10-60000 ms (default 300)
 * @param detectMultiplier   2-255 (default 3)
 * @param passive            passive mode: wait for the peer to start (default false)
 * @param minimumTtl         multihop only: lowest accepted TTL/hop limit, 1-254 (default 254)
 * @param profile            a bfdd {@code profile} name; bfdd checks its length (1-64 in 8.4's YANG)
 * @param shutdown           administratively down: bfdd sends AdminDown once and then stays silent
 */
public record BfdPeerSpec(String peer, String localAddress, @JsonProperty("interface") String iface, String vrf,
        boolean multihop, Integer receiveIntervalMs, Integer transmitIntervalMs, Integer detectMultiplier,
        boolean passive, Integer minimumTtl, String profile, boolean shutdown) {

    /** FRR's defaults (frr-bfdd YANG, unchanged from 8.4 to 10.x). */
    public static final int DEFAULT_INTERVAL_MS = 300;
    public static final int DEFAULT_DETECT_MULTIPLIER = 3;
    public static final int DEFAULT_MINIMUM_TTL = 254;

    public BfdPeerSpec {
        PeerKey k = new PeerKey(peer, multihop, localAddress, iface, vrf);
        peer = k.peer();
        localAddress = k.localAddress();
        iface = k.iface();
        vrf = k.vrf();
        range("receiveIntervalMs", receiveIntervalMs, 10, 60000);
        range("transmitIntervalMs", transmitIntervalMs, 10, 60000);
        range("detectMultiplier", detectMultiplier, 2, 255);
        range("minimumTtl", minimumTtl, 1, 254);
        if (minimumTtl != null && !multihop) {
            throw new FieldException("minimumTtl", "only for multihop peers (single-hop BFD always "
                    + "requires TTL 255, RFC 5881 §5)");
        }
        if (profile != null && (profile.isBlank() || !profile.matches("\\S+"))) {
            throw new FieldException("profile", "'" + profile + "' is not a profile name (no spaces)");
        }
    }

    /** A peer with FRR's defaults for everything but its addresses. */
    public static BfdPeerSpec of(PeerKey key) {
        return new BfdPeerSpec(key.peer(), key.localAddress(), key.iface(), key.vrf(), key.multihop(), null, null,
                null, false, null, null, false);
    }

    @JsonIgnore
    public PeerKey key() {
        return new PeerKey(peer, multihop, localAddress, iface, vrf);
    }

    public int effectiveReceiveIntervalMs() {
        return receiveIntervalMs == null ? DEFAULT_INTERVAL_MS : receiveIntervalMs;
    }

    public int effectiveTransmitIntervalMs() {
        return transmitIntervalMs == null ? DEFAULT_INTERVAL_MS : transmitIntervalMs;
    }

    public int effectiveDetectMultiplier() {
        return detectMultiplier == null ? DEFAULT_DETECT_MULTIPLIER : detectMultiplier;
    }

    public int effectiveMinimumTtl() {
        return minimumTtl == null ? DEFAULT_MINIMUM_TTL : minimumTtl;
    }

    public BfdPeerSpec withShutdown(boolean down) {
        return new BfdPeerSpec(peer, localAddress, iface, vrf, multihop, receiveIntervalMs, transmitIntervalMs,
                detectMultiplier, passive, minimumTtl, profile, down);
    }

    public BfdPeerSpec withTimers(Integer rxMs, Integer txMs, Integer multiplier) {
        return new BfdPeerSpec(peer, localAddress, iface, vrf, multihop, rxMs, txMs, multiplier, passive,
                minimumTtl, profile, shutdown);
    }

    public BfdPeerSpec withProfile(String name) {
        return new BfdPeerSpec(peer, localAddress, iface, vrf, multihop, receiveIntervalMs, transmitIntervalMs,
                detectMultiplier, passive, minimumTtl, name, shutdown);
    }

    public BfdPeerSpec withPassive(boolean on) {
        return new BfdPeerSpec(peer, localAddress, iface, vrf, multihop, receiveIntervalMs, transmitIntervalMs,
                detectMultiplier, on, minimumTtl, profile, shutdown);
    }

    public BfdPeerSpec withMinimumTtl(Integer ttl) {
        return new BfdPeerSpec(peer, localAddress, iface, vrf, multihop, receiveIntervalMs, transmitIntervalMs,
                detectMultiplier, passive, ttl, profile, shutdown);
    }

    /** True when bfdd would run both the same way (nulls and explicit defaults are alike). */
    public boolean sameEffect(BfdPeerSpec o) {
        return key().equals(o.key()) && shutdown == o.shutdown && passive == o.passive
                && effectiveReceiveIntervalMs() == o.effectiveReceiveIntervalMs()
                && effectiveTransmitIntervalMs() == o.effectiveTransmitIntervalMs()
                && effectiveDetectMultiplier() == o.effectiveDetectMultiplier()
                && (!multihop || effectiveMinimumTtl() == o.effectiveMinimumTtl())
                && java.util.Objects.equals(profile, o.profile);
    }

    private static void range(String field, Integer v, int min, int max) {
        if (v != null && (v < min || v > max)) {
            throw new FieldException(field, Reasons.outside(v, min, max));
        }
    }
}
