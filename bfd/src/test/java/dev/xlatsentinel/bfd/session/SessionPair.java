package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.AuthFailureNotice;
import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.platform.time.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Two session tables on one manual clock, each one's packets delivered to the other: two
 * speakers talking over a lossless wire with no delay, with no network and no sleeps. "a"
 * is 192.0.2.2 (us), "b" is 192.0.2.1 (the router).
 */
final class SessionPair {
    static final InetAddress A = Fixture.addr("192.0.2.2");
    static final InetAddress B = Fixture.addr("192.0.2.1");

    /** One side: its table, its state changes and its notices of refused packets. */
    final class Side {
        final SessionTable table;
        final List<StateChange> events = new ArrayList<>();
        final List<AuthFailureNotice> notices = new ArrayList<>();
        final InetAddress self;
        Session session;

        Side(long seed, InetAddress self) {
            this.self = self;
            table = new SessionTable((s, b, n) -> {
                byte[] copy = new byte[n];
                System.arraycopy(b, 0, copy, 0, n);
                inFlight.add(new Datagram(this, copy));
                return true;
            }, events::add, new SplittableRandom(seed), clock.nanoTime(), InstantSource.fixed(Instant.EPOCH), 0);
            table.onAuthFailure(notices::add);
        }

        Session add(SessionConfig.Builder c) {
            InetAddress peer = self == A ? B : A;
            session = table.add(c.peer(peer).local(self).build(), 0, self == A ? 50001 : 50002, null, now());
            return session;
        }

        Side other() {
            return this == a ? b : a;
        }
    }

    private record Datagram(Side from, byte[] octets) {
    }

    final ManualClock clock = new ManualClock(1_000_000_000L);
    private final ArrayDeque<Datagram> inFlight = new ArrayDeque<>();
    final Side a = new Side(11, A);
    final Side b = new Side(23, B);

    long now() {
        return clock.nanoTime();
    }

    /**
     * Moves time, firing each table's timers at their deadlines and delivering every packet at
     * once; packets are delivered after the timer run that sent them (never re-entrantly).
     */
    void advance(Duration d) {
        long target = now() + d.toNanos();
        deliver();
        while (true) {
            long next = Math.min(a.table.nextDeadline(), b.table.nextDeadline());
            if (next > target) {
                break;
            }
            clock.set(Math.max(now(), next));
            a.table.poll(now());
            b.table.poll(now());
            deliver();
        }
        clock.set(target);
    }

    private void deliver() {
        while (!inFlight.isEmpty()) {
            Datagram d = inFlight.poll();
            Side to = d.from().other();
            to.table.receive(now(), d.octets(), d.octets().length, HopMode.SINGLE_HOP, d.from().self, to.self, 255);
        }
    }
}
