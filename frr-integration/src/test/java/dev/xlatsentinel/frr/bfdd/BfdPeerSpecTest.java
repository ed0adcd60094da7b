package dev.xlatsentinel.frr.bfdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BfdPeerSpecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void deserializesFromTheAgentsConfigShape() throws Exception {
        BfdPeerSpec s = JSON.readValue("""
                {"peer": "2001:DB8:FF:0::1", "localAddress": "2001:db8:ff::a", "interface": "eth0",
                 "receiveIntervalMs": 50, "transmitIntervalMs": 50, "shutdown": false}""", BfdPeerSpec.class);
        assertThat(s.key()).isEqualTo(PeerKey.singleHop("2001:db8:ff::1", "2001:db8:ff::a", "eth0"));
        assertThat(s.effectiveDetectMultiplier()).isEqualTo(3);
        assertThat(s.key().cliLine()).isEqualTo("peer 2001:db8:ff::1 local-address 2001:db8:ff::a interface eth0");
    }

    @Test
    void badValuesNameTheirField() {
        assertThatThrownBy(() -> JSON.readValue("{\"peer\": \"2001:db8::1\", \"receiveIntervalMs\": 5}",
                BfdPeerSpec.class)).hasMessageContaining("receiveIntervalMs: 5 is outside 10 to 60000");
        assertThatThrownBy(() -> spec("2001:db8::1", null, null, true)).hasMessageStartingWith("localAddress: required");
        assertThatThrownBy(() -> spec("2001:db8::1", "2001:db8::2", "eth0", true))
                .hasMessageStartingWith("interface: not allowed");
        assertThatThrownBy(() -> spec("fe80::1", null, null, false)).hasMessageStartingWith("interface: required");
        assertThatThrownBy(() -> spec("2001:db8::1", "10.0.0.1", null, false))
                .hasMessageStartingWith("localAddress: 10.0.0.1 is not of the same family");
        assertThatThrownBy(() -> spec("2001:db8::1", null, "a-very-long-ifname", false))
                .hasMessageStartingWith("interface:");
        assertThatThrownBy(() -> BfdPeerSpec.of(PeerKey.singleHop("2001:db8::1", null, null)).withMinimumTtl(10))
                .hasMessageStartingWith("minimumTtl: only for multihop");
        assertThatThrownBy(() -> BfdPeerSpec.of(PeerKey.singleHop("2001:db8::1", null, null)).withProfile("a b"))
                .hasMessageStartingWith("profile:");
        assertThatThrownBy(() -> BfdPeerSpec.of(PeerKey.singleHop("2001:db8::1", null, null)).withTimers(null, null, 1))
                .hasMessageStartingWith("detectMultiplier: 1 is outside 2 to 255");
    }

    @Test
    void bfddsSessionIdentityIgnoresTheSingleHopLocalAddress() {
        PeerKey a = PeerKey.singleHop("2001:db8::1", "2001:db8::a", "eth0");
        assertThat(a.sameSession(PeerKey.singleHop("2001:db8::1", "2001:db8::b", "eth0"))).isTrue();
        assertThat(a.sameSession(PeerKey.singleHop("2001:db8::1", null, "eth1"))).isFalse();
        PeerKey m = PeerKey.multihop("2001:db8::1", "2001:db8::a");
        assertThat(m.sameSession(PeerKey.multihop("2001:db8::1", "2001:db8::b"))).isFalse();
        assertThat(new PeerKey("10.0.0.1", false, null, null, "default")).isEqualTo(
                PeerKey.singleHop("10.0.0.1", null, null));
    }

    private static BfdPeerSpec spec(String peer, String local, String iface, boolean multihop) {
        return new BfdPeerSpec(peer, local, iface, null, multihop, null, null, null, false, null, null, false);
    }
}
