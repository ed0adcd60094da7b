package dev.xlatsentinel.frr.bfdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recorded 8.4 and 10.x JSON (see the README beside the fixtures) parse into the same records. */
class BfdJsonTest {
    static String fixture(String name) {
        try (InputStream in = BfdJsonTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void frr84PeersParse() {
        List<BfdPeer> peers = BfdJson.peers(fixture("peers-8.4.4.json"));
        assertThat(peers).hasSize(3);
        BfdPeer up = peers.get(0);
        assertThat(up.key()).isEqualTo(PeerKey.singleHop("2001:db8:ff::1", "2001:db8:ff::a", "eth0"));
        assertThat(up.state()).isEqualTo(PeerState.UP);
        assertThat(up.localDiag()).isEqualTo(BfdDiag.NO_DIAGNOSTIC);
        assertThat(up.receiveInterval()).isEqualTo(50);
        assertThat(up.remoteTransmitInterval()).isEqualTo(50);
        assertThat(up.id()).isEqualTo(3353740548L); // above 2^31: discriminators are unsigned 32-bit
        assertThat(up.uptime()).isNotNull();
        BfdPeer mh = peers.get(1);
        assertThat(mh.key()).isEqualTo(PeerKey.multihop("2001:db8:ff::7", "2001:db8:ff::a"));
        assertThat(mh.minimumTtl()).isEqualTo(250);
        assertThat(mh.state()).isEqualTo(PeerState.DOWN);
        assertThat(peers.get(2).state()).isEqualTo(PeerState.ADMIN_DOWN);
        assertThat(peers.get(2).type()).isNull(); // 10.x only
    }

    @Test
    void frr84PeerDownBecauseTheNeighbourSaidSo() {
        BfdPeer p = BfdJson.peers(fixture("peers-8.4.4-remote-shutdown.json")).get(0);
        assertThat(p.state()).isEqualTo(PeerState.DOWN);
        assertThat(p.localDiag()).isEqualTo(BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN);
    }

    @Test
    void frr10TopotestPeersParseIntoTheSameRecords() {
        List<BfdPeer> peers = BfdJson.peers(fixture("peers-10.4.0-topotest-bfd_static_vrf.json"));
        assertThat(peers).isNotEmpty().allSatisfy(p -> {
            assertThat(p.state()).isEqualTo(PeerState.UP);
            assertThat(p.type()).isEqualTo("configured");
            assertThat(p.key().vrf()).isEqualTo("cust1");
            assertThat(p.detectMultiplier()).isEqualTo(3);
        });
        List<BfdPeer> vrflite = BfdJson.peers(fixture("peers-10.4.0-topotest-bfd_vrflite_topo1.json"));
        assertThat(vrflite).anySatisfy(p -> {
            assertThat(p.key()).isEqualTo(new PeerKey("192.0.2.2", true, "192.0.2.1", null, "vrf2"));
            assertThat(p.minimumTtl()).isEqualTo(254);
        });
    }

    @Test
    void singleObjectFormsFromTheDocsParseToo() {
        BfdPeer p = BfdJson.peers(fixture("peer-10.4.0-doc.json")).get(0);
        assertThat(p.key()).isEqualTo(PeerKey.singleHop("192.168.0.1", null, null));
        assertThat(p.state()).isEqualTo(PeerState.UP);
        BfdPeerCounters c = BfdJson.counters(fixture("peer-counters-10.4.0-doc.json")).get(0);
        assertThat(c.controlPacketInput()).isEqualTo(348);
        assertThat(c.zebraNotifications()).isEqualTo(4);
        assertThat(c.id()).isNull();
    }

    @Test
    void frr84CountersParse() {
        List<BfdPeerCounters> cs = BfdJson.counters(fixture("peers-counters-8.4.4.json"));
        assertThat(cs).hasSize(3);
        assertThat(cs.get(0).key()).isEqualTo(PeerKey.singleHop("2001:db8:ff::1", "2001:db8:ff::a", "eth0"));
        assertThat(cs.get(0).controlPacketOutput()).isPositive();
        assertThat(cs.get(0).sessionUp()).isEqualTo(1);
    }

    @Test
    void garbageIsAClearError() {
        assertThatThrownBy(() -> BfdJson.peers("% [BFD] Unknown command: show bfd peers json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("show bfd peers json:");
        assertThat(BfdJson.peers("[]")).isEmpty();
    }
}
