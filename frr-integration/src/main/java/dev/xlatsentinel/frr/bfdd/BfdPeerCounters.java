package dev.xlatsentinel.frr.bfdd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One element of {@code show bfd peers counters json}. 10.x adds {@code id} (and
 * {@code tx-fail-packet} for SBFD); unknown fields are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BfdPeerCounters(
        boolean multihop,
        String peer,
        String local,
        String vrf,
        @JsonProperty("interface") String iface,
        Long id,
        @JsonProperty("control-packet-input") long controlPacketInput,
        @JsonProperty("control-packet-output") long controlPacketOutput,
        @JsonProperty("echo-packet-input") long echoPacketInput,
        @JsonProperty("echo-packet-output") long echoPacketOutput,
        @JsonProperty("session-up") long sessionUp,
        @JsonProperty("session-down") long sessionDown,
        @JsonProperty("zebra-notifications") long zebraNotifications,
        @JsonProperty("tx-fail-packet") Long txFailPacket) {

    @JsonIgnore
    public PeerKey key() {
        return new PeerKey(peer, multihop, local, iface, vrf);
    }
}
