package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.timer.TimerHeap;
import dev.xlatsentinel.platform.time.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A session table on a manual clock with a capturing sink: tests move time, deliver the
 * peer's packets and read what we sent, with no network and no sleeps.
 */
final class Fixture {
    /** One packet we sent, at what time. */
    record Sent(long at, byte[] octets) {
        ControlPacket view() {
            return new ControlPacket().wrap(octets, octets.length);
        }
    }

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final List<Sent> sent = new ArrayList<>();
    final List<StateChange> events = new ArrayList<>();
    final SessionTable table;
    boolean sinkUp = true;

    Fixture() {
        this(7);
    }

    Fixture(long seed) {
        this(seed, 0);
    }

    Fixture(long seed, long timerSlackNanos) {
        table = new SessionTable((s, b, n) -> {
            if (!sinkUp) {
                return false;
            }
            byte[] copy = new byte[n];
            System.arraycopy(b, 0, copy, 0, n);
            sent.add(new Sent(clock.nanoTime(), copy));
            return true;
        }, events::add, new SplittableRandom(seed), clock.nanoTime(), InstantSource.fixed(Instant.EPOCH),
                timerSlackNanos);
    }

    static SessionConfig.Builder config() {
        return SessionConfig.builder().peer("192.0.2.1").local("192.0.2.2").interval(Duration.ofMillis(50))
                .detectMult(3);
    }

    Session add(SessionConfig c) {
        Session s = table.add(c, 0, 50000, null, now());
        table.poll(now());
        return s;
    }

    long now() {
        return clock.nanoTime();
    }

    /** Moves time, firing every timer on the way at its own deadline. */
    void advance(Duration d) {
        long target = now() + d.toNanos();
        while (table.nextDeadline() <= target) {
            long at = Math.max(now(), table.nextDeadline());
            clock.set(at);
            table.poll(at);
        }
        clock.set(target);
    }

    void deliver(Wire w) {
        deliver(w, HopMode.SINGLE_HOP, addr("192.0.2.1"), addr("192.0.2.2"), -1);
    }

    void deliver(Wire w, HopMode hop, InetAddress src, InetAddress dst, int ttl) {
        table.receive(now(), w.buf, w.length, hop, src, dst, ttl);
    }

    Sent last() {
        return sent.get(sent.size() - 1);
    }

    ControlPacket lastPacket() {
        return last().view();
    }

    /** Packets sent since index {@code from}. */
    List<Sent> since(int from) {
        return new ArrayList<>(sent.subList(from, sent.size()));
    }

    static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Brings {@code s} Up through the three-way handshake with a peer of discriminator {@code peer}. */
    void bringUp(Session s, int peer) {
        deliver(Wire.from(peer).state(dev.xlatsentinel.bfd.codec.State.DOWN).txRx(1_000_000, 50_000));
        deliver(Wire.from(peer).state(dev.xlatsentinel.bfd.codec.State.UP).your(s.localDiscriminator())
                .txRx(50_000, 50_000));
        // Answer our Poll (DesiredMinTx went from 1 s to 50 ms on Up) so timers settle.
        deliver(Wire.from(peer).state(dev.xlatsentinel.bfd.codec.State.UP).your(s.localDiscriminator())
                .txRx(50_000, 50_000).flag(ControlPacket.FLAG_FINAL));
    }

    static final long NEVER = TimerHeap.NEVER;
}
