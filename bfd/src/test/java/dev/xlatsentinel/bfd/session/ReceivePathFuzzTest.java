package dev.xlatsentinel.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.auth.AuthConfig;
import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.auth.Authenticator;
import dev.xlatsentinel.bfd.auth.Secret;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;

/**
 * Robustness of the whole receive path (decoder, §6.8.6 checks, authentication, state
 * machine): 6 M random and mutated datagrams in total, each property bounded by
 * its tries. No exception may escape, every datagram is either accepted or counted as a
 * drop, and a datagram that must be dropped changes nothing in the session.
 */
class ReceivePathFuzzTest {
    private static final int PER_TRY = 10_000;
    private static final InetAddress PEER = Fixture.addr("192.0.2.1");
    private static final InetAddress LOCAL = Fixture.addr("192.0.2.2");
    private static final Secret KEY = Secret.of("fuzz-key");

    /** State of a session that a dropped packet must leave alone. */
    private record Observed(State state, int remoteDiscr, Diagnostic diag, int events, long rx) {
        static Observed of(Fixture f, Session s) {
            return new Observed(s.state(), s.remoteDiscriminator(), s.localDiag(), f.events.size(),
                    s.counters().get(Counter.RX_PACKETS));
        }
    }

    private static long accountedFor(Fixture f) {
        return f.table.counters().get(Counter.RX_PACKETS) + f.table.counters().drops();
    }

    /** 2 M random datagrams of 0-120 octets, biased towards version 1 and plausible lengths. */
    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void randomDatagramsNeverThrowAndAreAllAccountedFor(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Fixture f = new Fixture(seed);
        Session s = f.add(Fixture.config().build());
        f.add(Fixture.config().peer("192.0.2.9").auth(AuthType.KEYED_MD5, 1, KEY).build());
        byte[] buf = new byte[120];
        for (int i = 0; i < PER_TRY; i++) {
            int n = r.nextInt(buf.length + 1);
            r.nextBytes(buf);
            if (r.nextBoolean()) {
                buf[0] = (byte) (0x20 | buf[0] & 0x1f);
                buf[3] = (byte) Math.min(n, 24 + r.nextInt(30));
            }
            if (r.nextInt(4) == 0) {
                // Aim at the real session's discriminator now and then.
                int d = s.localDiscriminator();
                buf[8] = (byte) (d >>> 24);
                buf[9] = (byte) (d >>> 16);
                buf[10] = (byte) (d >>> 8);
                buf[11] = (byte) d;
            }
            InetAddress src = r.nextInt(3) == 0 ? Fixture.addr("192.0.2.9") : PEER;
            HopMode hop = r.nextInt(8) == 0 ? HopMode.MULTI_HOP : HopMode.SINGLE_HOP;
            f.table.receive(f.now(), buf, n, hop, src, LOCAL, r.nextInt(5) == 0 ? r.nextInt(256) : -1);
            if (r.nextInt(64) == 0) {
                f.clock.advanceNanos(r.nextLong(200_000_000));
                f.table.poll(f.now());
            }
        }
        assertThat(accountedFor(f)).isEqualTo(PER_TRY);
    }

    /**
     * 2 M signed packets from the peer with 1-4 octets changed (or the datagram cut or
     * padded): the keyed digest covers every octet, so each must be dropped with no change.
     */
    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void mutatedAuthenticatedPacketsAreAlwaysDropped(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int type) {
        AuthType t = AuthType.values()[type];
        SplittableRandom r = new SplittableRandom(seed);
        Fixture f = new Fixture(seed);
        Session s = f.add(Fixture.config().auth(t, 3, KEY).build());
        Authenticator peer = new Authenticator(AuthConfig.of(t, 3, KEY), r.nextInt());
        byte[] buf = new byte[ControlPacket.MAX_LENGTH + 8];
        ControlPacket p = new ControlPacket().wrap(buf, buf.length);
        int myDiscr = 1 + r.nextInt(Integer.MAX_VALUE);
        // Bring the session Up with genuine packets first, so mutations could take it Down.
        State[] handshake = {State.DOWN, State.UP};
        for (State st : handshake) {
            p.writeMandatory(Diagnostic.NONE, st, 0, 3, myDiscr, st == State.DOWN ? 0 : s.localDiscriminator(),
                    50_000, 50_000, 0);
            f.table.receive(f.now(), buf, peer.sign(p), HopMode.SINGLE_HOP, PEER, LOCAL, -1);
        }
        assertThat(s.state()).isEqualTo(State.UP);
        long drops = f.table.counters().drops();
        for (int i = 0; i < PER_TRY; i++) {
            State st = State.values()[r.nextInt(4)];
            p.writeMandatory(Diagnostic.of(r.nextInt(9)), st, r.nextInt(2) * ControlPacket.FLAG_POLL, 1 + r.nextInt(5),
                    myDiscr, s.localDiscriminator(), 50_000, 50_000, 0);
            int length = peer.sign(p);
            byte[] original = Arrays.copyOf(buf, length);
            int delivered = mutate(r, buf, length);
            if (delivered == length && Arrays.equals(buf, 0, length, original, 0, length)) {
                continue;
            }
            Observed before = Observed.of(f, s);
            f.table.receive(f.now(), buf, delivered, HopMode.SINGLE_HOP, PEER, LOCAL, -1);
            assertThat(Observed.of(f, s)).isEqualTo(before);
            assertThat(f.table.counters().drops()).isEqualTo(++drops);
        }
    }

    private static int mutate(SplittableRandom r, byte[] buf, int length) {
        switch (r.nextInt(6)) {
            case 0:
                return r.nextInt(length);
            case 1:
                for (int i = length; i < buf.length; i++) {
                    buf[i] = (byte) r.nextInt();
                }
                buf[3] = (byte) Math.min(buf.length, length + 1 + r.nextInt(buf.length - length));
                return buf.length;
            default:
                int flips = 1 + r.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    buf[r.nextInt(length)] ^= (byte) (1 + r.nextInt(255));
                }
                return length;
        }
    }

    /**
     * 2 M packets that would move a Down session to Init, each broken by one §6.8.6 rule
     * (with random noise elsewhere): each is dropped by that rule's counter, nothing changes.
     */
    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void packetsBreakingOneDiscardRuleNeverChangeTheSession(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Fixture f = new Fixture(seed);
        Session s = f.add(Fixture.config().build());
        Counter[] rules = {Counter.DROP_TRUNCATED, Counter.DROP_BAD_VERSION, Counter.DROP_LENGTH_TOO_SHORT,
            Counter.DROP_LENGTH_EXCEEDS_PAYLOAD, Counter.DROP_DETECT_MULT_ZERO, Counter.DROP_MULTIPOINT,
            Counter.DROP_MY_DISCRIMINATOR_ZERO, Counter.DROP_UNKNOWN_YOUR_DISCRIMINATOR,
            Counter.DROP_YOUR_DISCRIMINATOR_ZERO_NOT_DOWN, Counter.DROP_NO_SESSION, Counter.DROP_ADDRESS_MISMATCH,
            Counter.DROP_TTL, Counter.DROP_AUTH_UNEXPECTED};
        for (int i = 0; i < PER_TRY; i++) {
            Counter rule = rules[r.nextInt(rules.length)];
            Wire w = Wire.from(1 + r.nextInt(Integer.MAX_VALUE)).state(State.DOWN)
                    .txRx(r.nextInt() & 0xffffffffL, 1 + r.nextInt(1 << 30)).mult(1 + r.nextInt(255))
                    .diag(Diagnostic.of(r.nextInt(9)));
            if (r.nextBoolean()) {
                w.flag(ControlPacket.FLAG_POLL);
            }
            InetAddress src = PEER;
            int ttl = r.nextBoolean() ? -1 : 255;
            HopMode hop = HopMode.SINGLE_HOP;
            switch (rule) {
                case DROP_TRUNCATED -> w.delivered(r.nextInt(24));
                case DROP_BAD_VERSION -> w.version(r.nextBoolean() ? 0 : 2 + r.nextInt(6));
                case DROP_LENGTH_TOO_SHORT -> w.lengthField(r.nextInt(24));
                case DROP_LENGTH_EXCEEDS_PAYLOAD -> w.lengthField(25 + r.nextInt(231));
                case DROP_DETECT_MULT_ZERO -> w.mult(0);
                case DROP_MULTIPOINT -> w.flag(ControlPacket.FLAG_MULTIPOINT);
                case DROP_MY_DISCRIMINATOR_ZERO -> w.my(0);
                case DROP_UNKNOWN_YOUR_DISCRIMINATOR -> w.your(s.localDiscriminator() ^ (1 + r.nextInt(1 << 30)));
                case DROP_YOUR_DISCRIMINATOR_ZERO_NOT_DOWN -> w.state(r.nextBoolean() ? State.INIT : State.UP);
                case DROP_NO_SESSION -> src = Fixture.addr("198.51.100." + (1 + r.nextInt(250)));
                case DROP_ADDRESS_MISMATCH -> {
                    w.your(s.localDiscriminator());
                    src = Fixture.addr("198.51.100." + (1 + r.nextInt(250)));
                }
                case DROP_TTL -> ttl = r.nextInt(255);
                case DROP_AUTH_UNEXPECTED -> w.flag(ControlPacket.FLAG_AUTH_PRESENT).lengthField(26).delivered(26);
                default -> throw new IllegalStateException(rule.label());
            }
            long count = f.table.counters().get(rule);
            Observed before = Observed.of(f, s);
            f.deliver(w, hop, src, LOCAL, ttl);
            assertThat(f.table.counters().get(rule)).as(rule.label()).isEqualTo(count + 1);
            assertThat(Observed.of(f, s)).isEqualTo(before);
        }
    }
}
