package dev.xlatsentinel.frr.bfdd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One element of {@code show bfd peers json}. Fields present in 8.4 and 10.x; the ones only
 * one version prints are nullable (10.x adds {@code type}, {@code log-session-changes},
 * {@code bfd-name}; {@code uptime}/{@code downtime} appear only in Up/Down). Unknown fields
 * are ignored, so a newer bfdd still parses. Intervals are in milliseconds.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BfdPeer(
        boolean multihop,
        String peer,
        String local,
        String vrf,
        @JsonProperty("interface") String iface,
        Long id,
        @JsonProperty("remote-id") Long remoteId,
        @JsonProperty("passive-mode") Boolean passiveMode,
        @JsonProperty("minimum-ttl") Integer minimumTtl,
        String status,
        Long uptime,
        Long downtime,
        String diagnostic,
        @JsonProperty("remote-diagnostic") String remoteDiagnostic,
        String type,
        @JsonProperty("log-session-changes") Boolean logSessionChanges,
        @JsonProperty("receive-interval") Integer receiveInterval,
        @JsonProperty("transmit-interval") Integer transmitInterval,
        @JsonProperty("echo-receive-interval") Integer echoReceiveInterval,
        @JsonProperty("echo-transmit-interval") Integer echoTransmitInterval,
        @JsonProperty("detect-multiplier") Integer detectMultiplier,
        @JsonProperty("remote-receive-interval") Integer remoteReceiveInterval,
        @JsonProperty("remote-transmit-interval") Integer remoteTransmitInterval,
        @JsonProperty("remote-echo-receive-interval") Integer remoteEchoReceiveInterval,
        @JsonProperty("remote-detect-multiplier") Integer remoteDetectMultiplier,
        @JsonProperty("rtt-min") Long rttMin,
        @JsonProperty("rtt-avg") Long rttAvg,
        @JsonProperty("rtt-max") Long rttMax) {

    @JsonIgnore
    public PeerState state() {
        return PeerState.of(status);
    }

    /** The diagnostic this side sends (why it last left Up). */
    @JsonIgnore
    public BfdDiag localDiag() {
        return BfdDiag.of(diagnostic);
    }

    @JsonIgnore
    public BfdDiag remoteDiag() {
        return BfdDiag.of(remoteDiagnostic);
    }

    @JsonIgnore
    public PeerKey key() {
        return new PeerKey(peer, multihop, local, iface, vrf);
    }
}
