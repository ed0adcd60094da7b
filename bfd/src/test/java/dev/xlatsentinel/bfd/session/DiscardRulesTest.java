package dev.xlatsentinel.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.auth.Secret;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.State;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every discard rule of RFC 5880 §6.8.6 (and our additions) on its own: the packet would
 * have moved the session (Down -> Init), is dropped instead, and its own counter counts it.
 */
class DiscardRulesTest {
    private static final int PEER = 0x0a000001;
    private Fixture f;
    private Session s;

    @BeforeEach
    void setUp() {
        f = new Fixture();
        s = f.add(Fixture.config().build());
    }

    /** A packet that passes every check: the peer is Down, so we would go Init. */
    private Wire good() {
        return Wire.from(PEER).state(State.DOWN);
    }

    private void assertDropped(Counter c) {
        assertThat(s.state()).as("no state change").isEqualTo(State.DOWN);
        assertThat(f.events).isEmpty();
        assertThat(f.table.counters().get(c)).as(c.label()).isEqualTo(1);
        assertThat(f.table.counters().get(Counter.RX_PACKETS)).isZero();
        assertThat(s.remoteDiscriminator()).isZero();
    }

    @Test
    void theGoodPacketIsAccepted() {
        f.deliver(good());
        assertThat(s.state()).isEqualTo(State.INIT);
        assertThat(f.table.counters().get(Counter.RX_PACKETS)).isEqualTo(1);
    }

    @Test
    void packetShorterThanTheMandatorySectionIsDropped() {
        f.deliver(good().delivered(23));
        assertDropped(Counter.DROP_TRUNCATED);
    }

    @Test
    void versionOtherThanOneIsDropped() {
        f.deliver(good().version(0));
        assertDropped(Counter.DROP_BAD_VERSION);
    }

    @Test
    void lengthBelow24WithoutAuthIsDropped() {
        f.deliver(good().lengthField(23));
        assertDropped(Counter.DROP_LENGTH_TOO_SHORT);
    }

    @Test
    void lengthBelow26WithAuthBitIsDropped() {
        f.deliver(good().flag(ControlPacket.FLAG_AUTH_PRESENT).lengthField(25).delivered(26));
        assertDropped(Counter.DROP_LENGTH_TOO_SHORT);
    }

    @Test
    void lengthBeyondThePayloadIsDropped() {
        f.deliver(good().lengthField(25));
        assertDropped(Counter.DROP_LENGTH_EXCEEDS_PAYLOAD);
    }

    @Test
    void detectMultZeroIsDropped() {
        f.deliver(good().mult(0));
        assertDropped(Counter.DROP_DETECT_MULT_ZERO);
    }

    @Test
    void multipointBitIsDropped() {
        f.deliver(good().flag(ControlPacket.FLAG_MULTIPOINT));
        assertDropped(Counter.DROP_MULTIPOINT);
    }

    @Test
    void myDiscriminatorZeroIsDropped() {
        f.deliver(good().my(0));
        assertDropped(Counter.DROP_MY_DISCRIMINATOR_ZERO);
    }

    @Test
    void unknownYourDiscriminatorIsDropped() {
        f.deliver(good().your(s.localDiscriminator() + 1));
        assertDropped(Counter.DROP_UNKNOWN_YOUR_DISCRIMINATOR);
    }

    @Test
    void yourDiscriminatorZeroOutsideDownOrAdminDownIsDropped() {
        f.deliver(good().state(State.INIT));
        assertDropped(Counter.DROP_YOUR_DISCRIMINATOR_ZERO_NOT_DOWN);
    }

    @Test
    void yourDiscriminatorZeroFromAnUnknownPeerIsDropped() {
        f.deliver(good(), HopMode.SINGLE_HOP, Fixture.addr("192.0.2.99"), Fixture.addr("192.0.2.2"), -1);
        assertDropped(Counter.DROP_NO_SESSION);
    }

    @Test
    void yourDiscriminatorZeroOnTheOtherHopModeIsDropped() {
        f.deliver(good(), HopMode.MULTI_HOP, Fixture.addr("192.0.2.1"), Fixture.addr("192.0.2.2"), -1);
        assertDropped(Counter.DROP_NO_SESSION);
    }

    @Test
    void knownDiscriminatorFromAnotherAddressIsDropped() {
        f.deliver(good().your(s.localDiscriminator()), HopMode.SINGLE_HOP, Fixture.addr("192.0.2.66"),
                Fixture.addr("192.0.2.2"), -1);
        assertDropped(Counter.DROP_ADDRESS_MISMATCH);
        assertThat(s.counters().get(Counter.DROP_ADDRESS_MISMATCH)).as("counted on the session too").isEqualTo(1);
    }

    @Test
    void knownDiscriminatorToAnotherLocalAddressIsDropped() {
        f.deliver(good().your(s.localDiscriminator()), HopMode.SINGLE_HOP, Fixture.addr("192.0.2.1"),
                Fixture.addr("192.0.2.3"), -1);
        assertDropped(Counter.DROP_ADDRESS_MISMATCH);
    }

    @Test
    void aSessionOnAnInterfaceDropsWhatCameInOnAnotherAndTakesWhatCameInOnItsOwn() {
        Fixture g = new Fixture();
        Session onEth = g.table.add(Fixture.config().iface("eth0").build(), 3, 50000, null, g.now());
        Wire w = Wire.from(PEER).state(State.DOWN);
        WireAddress src = new WireAddress().set(Fixture.addr("192.0.2.1"));
        g.table.receive(g.now(), w.buf, w.length, HopMode.SINGLE_HOP, src,
                new WireAddress().set(Fixture.addr("192.0.2.2")).ingress(4), 255);
        assertThat(g.table.counters().get(Counter.DROP_WRONG_INTERFACE)).isEqualTo(1);
        assertThat(onEth.counters().get(Counter.DROP_WRONG_INTERFACE)).isEqualTo(1);
        assertThat(onEth.state()).isEqualTo(State.DOWN);
        g.table.receive(g.now(), w.buf, w.length, HopMode.SINGLE_HOP, src,
                new WireAddress().set(Fixture.addr("192.0.2.2")).ingress(3), 255);
        assertThat(onEth.state()).isEqualTo(State.INIT);
    }

    @Test
    void singleHopTtlBelow255IsDropped() {
        f.deliver(good(), HopMode.SINGLE_HOP, Fixture.addr("192.0.2.1"), Fixture.addr("192.0.2.2"), 254);
        assertDropped(Counter.DROP_TTL);
    }

    @Test
    void authBitWithoutConfiguredAuthIsDropped() {
        f.deliver(good().flag(ControlPacket.FLAG_AUTH_PRESENT).lengthField(26).delivered(26));
        assertDropped(Counter.DROP_AUTH_UNEXPECTED);
    }

    @Test
    void missingAuthBitWithConfiguredAuthIsDropped() {
        f = new Fixture();
        s = f.add(Fixture.config().auth(AuthType.KEYED_SHA1, 1, Secret.of("k")).build());
        f.deliver(good());
        assertDropped(Counter.DROP_AUTH_MISSING);
    }

    @Test
    void failedAuthenticationIsDropped() {
        f = new Fixture();
        s = f.add(Fixture.config().auth(AuthType.SIMPLE_PASSWORD, 1, Secret.of("right")).build());
        Wire w = good().flag(ControlPacket.FLAG_AUTH_PRESENT).lengthField(32).delivered(32);
        byte[] section = {1, 8, 1, 'w', 'r', 'o', 'n', 'g'};
        System.arraycopy(section, 0, w.buf, 24, section.length);
        f.deliver(w);
        assertDropped(Counter.DROP_AUTH_DIGEST);
        section[3] = 'r';
        section[4] = 'i';
        section[5] = 'g';
        section[6] = 'h';
        section[7] = 't';
        System.arraycopy(section, 0, w.buf, 24, section.length);
        f.deliver(w);
        assertThat(s.state()).as("the right password passes").isEqualTo(State.INIT);
    }

    @Test
    void packetsWhileLocallyAdminDownAreDiscardedAfterUpdatingTheRemote() {
        f.table.adminDown(s, f.now());
        f.events.clear();
        f.deliver(good());
        assertThat(s.state()).isEqualTo(State.ADMIN_DOWN);
        assertThat(f.table.counters().get(Counter.DROP_LOCAL_ADMIN_DOWN)).isZero();
        assertThat(s.counters().get(Counter.DROP_LOCAL_ADMIN_DOWN)).isEqualTo(1);
        assertThat(s.remoteDiscriminator()).as("§6.8.6 updates bfd.RemoteDiscr before this rule").isEqualTo(PEER);
    }

    @Test
    void demultiplexesByAddressWhenYourDiscriminatorIsZero() {
        Session other = f.table.add(Fixture.config().peer("192.0.2.5").build(), 0, 50001, null, f.now());
        f.deliver(good(), HopMode.SINGLE_HOP, Fixture.addr("192.0.2.5"), Fixture.addr("192.0.2.2"), -1);
        assertThat(other.state()).isEqualTo(State.INIT);
        assertThat(s.state()).isEqualTo(State.DOWN);
    }

    @Test
    void withoutADestinationAddressTheOnlySessionToThePeerIsChosen() {
        f.deliver(good(), HopMode.SINGLE_HOP, Fixture.addr("192.0.2.1"), null, -1);
        assertThat(s.state()).isEqualTo(State.INIT);
    }

    @Test
    void withoutADestinationAddressTwoSessionsToOnePeerAreAmbiguousAndDropped() {
        f.table.add(Fixture.config().local("192.0.2.3").build(), 0, 50001, null, f.now());
        f.deliver(good(), HopMode.SINGLE_HOP, Fixture.addr("192.0.2.1"), Fixture.addr("0.0.0.0"), -1);
        assertDropped(Counter.DROP_NO_SESSION);
    }

    @Test
    void multihopAcceptsTtlDownToItsConfiguredMinimum() {
        Session mh = f.table.add(Fixture.config().hop(HopMode.MULTI_HOP).peer("198.51.100.1").minTtl(250).build(), 0,
                50002, null, f.now());
        f.deliver(good(), HopMode.MULTI_HOP, Fixture.addr("198.51.100.1"), Fixture.addr("192.0.2.2"), 249);
        assertThat(mh.state()).isEqualTo(State.DOWN);
        assertThat(mh.counters().get(Counter.DROP_TTL)).isEqualTo(1);
        f.deliver(good(), HopMode.MULTI_HOP, Fixture.addr("198.51.100.1"), Fixture.addr("192.0.2.2"), 250);
        assertThat(mh.state()).isEqualTo(State.INIT);
    }
}
