package dev.xlatsentinel.bfd.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.PreparedSession;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.bfd.auth.AuthConfig;
import dev.xlatsentinel.bfd.auth.AuthKey;
import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.auth.Secret;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.platform.config.FieldException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine's API with real sockets, between two engines ({@link TwoEngines}); hold-downs
 * are {@link HoldDownIT}'s.
 */
class EngineIT extends TwoEngines {
    @Override
    String labName() {
        return "bfd-engine";
    }

    @Test
    void badInputNamesTheFieldAndChangesNothing() {
        int before = a.snapshots().size();
        assertThatThrownBy(() -> a.addSession(v4("100.64.30.2", "100.64.30.1").iface("nosuch0").build()))
                .isInstanceOf(FieldException.class).hasMessageStartingWith("iface: no interface 'nosuch0'");
        assertThatThrownBy(() -> a.addSession(v4("100.64.30.2", "100.64.31.1").build()))
                .isInstanceOf(FieldException.class).hasMessageStartingWith("local: cannot send from 100.64.31.1");
        BfdSession s = a.addSession(v4("100.64.30.2", "100.64.30.1").passive(true).build());
        try {
            assertThatThrownBy(() -> a.addSession(v4("100.64.30.2", "100.64.30.1").passive(true).build()))
                    .isInstanceOf(FieldException.class)
                    .satisfies(e -> assertThat(((FieldException) e).field()).isEqualTo("peer"));
            assertThat(a.snapshots()).hasSize(before + 1);
        } finally {
            s.remove().join();
        }
        assertThat(a.snapshots()).hasSize(before);
    }

    @Test
    void listenersRunOffTheEventLoopAndASlowOneDelaysNoPacket() {
        // 100 ms x 3 = 300 ms detection, far below the listener's 1 s sleep.
        SessionConfig ca = v4("100.64.30.2", "100.64.30.1").interval(Duration.ofMillis(100)).build();
        a.addListener(new dev.xlatsentinel.bfd.SessionListener() {
            @Override
            public void stateChanged(StateChange c) {
                if (c.key().equals(ca.key()) && c.newState() == State.UP) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        int seenB = eventsB.changes.size();
        BfdSession sa = a.addSession(ca);
        BfdSession sb = b.addSession(v4("100.64.30.1", "100.64.30.2").interval(Duration.ofMillis(100)).build());
        try {
            awaitUp(sa, sb);
            // The listener sleeps 1 s (> 3 x 100 ms) on the listener thread; packets keep flowing.
            Poll.until(UP, "listener saw Up", () -> eventsA.statesOf(ca.key()).contains(State.UP));
            long until = System.nanoTime() + Duration.ofMillis(1200).toNanos();
            while (System.nanoTime() < until) {
                assertThat(sb.snapshot().state()).isEqualTo(State.UP);
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            assertThat(listenerThreads).isNotEmpty().allSatisfy(t -> assertThat(t).isEqualTo("bfd-listeners"));
            assertThat(since(eventsB.changes, seenB))
                    .extracting(StateChange::newState).doesNotContain(State.DOWN);
        } finally {
            remove(sa, sb);
        }
    }

    /**
     * Two passive IPv6 sessions to one peer, from two local addresses: the peer's first
     * packets carry Your Discriminator 0, so only their destination address tells the
     * sessions apart (the receive socket reads it from IPV6_PKTINFO).
     */
    @Test
    void passiveIpv6SessionsToOnePeerAreToldApartByDestination() {
        na.addr("eth0", "2001:db8:30::3/64");
        String peer = "2001:db8:30::2:1";
        BfdSession a1 = a.addSession(SessionConfig.builder().peer(peer).local("2001:db8:30::1").iface("eth0")
                .interval(Duration.ofMillis(50)).passive(true).build());
        BfdSession a3 = a.addSession(SessionConfig.builder().peer(peer).local("2001:db8:30::3").iface("eth0")
                .interval(Duration.ofMillis(50)).passive(true).build());
        BfdSession b1 = b.addSession(SessionConfig.builder().peer("2001:db8:30::1").local(peer).iface("eth0")
                .interval(Duration.ofMillis(50)).build());
        BfdSession b3 = b.addSession(SessionConfig.builder().peer("2001:db8:30::3").local(peer).iface("eth0")
                .interval(Duration.ofMillis(50)).build());
        try {
            awaitUp(a1, a3, b1, b3);
            assertThat(a1.snapshot().remote().discriminator()).isEqualTo(b1.snapshot().localDiscriminator());
            assertThat(a3.snapshot().remote().discriminator()).isEqualTo(b3.snapshot().localDiscriminator());
        } finally {
            remove(a1, a3, b1, b3);
        }
    }

    @Test
    void closeSilentlyTellsThePeerNothingSoItTimesOutInsteadOfSeeingAdminDown() {
        // Also: sessions bound to interfaces that only exist in the engines' namespaces.
        Netns nc = lab.netns("c");
        Netns nd = lab.netns("d");
        // IPv6-only interfaces whose names exist only inside these namespaces: the engine must
        // find them there (java.net.NetworkInterface would look in the JVM's own namespace).
        lab.link(nc, "vc0", nd, "vd0");
        nc.addr("vc0", "2001:db8:32::1/64");
        nd.addr("vd0", "2001:db8:32::2/64");
        BfdEngine c = BfdEngine.builder().socketExecutor(nc.executor()).build().start();
        BfdEngine d = BfdEngine.builder().socketExecutor(nd.executor()).build().start();
        Listening eventsD = new Listening();
        d.addListener(eventsD);
        try {
            BfdSession sc = c.addSession(SessionConfig.builder().peer("2001:db8:32::2").local("2001:db8:32::1")
                    .iface("vc0").interval(Duration.ofMillis(50)).build());
            BfdSession sd = d.addSession(SessionConfig.builder().peer("2001:db8:32::1").local("2001:db8:32::2")
                    .iface("vd0").interval(Duration.ofMillis(50)).build());
            awaitUp(sc, sd);
            sc.holdDown(Diagnostic.PATH_DOWN).join();
            Poll.until(UP, "peer saw Path Down", () -> sd.snapshot().state() == State.INIT);
            c.closeSilently();
            Poll.until(UP, "peer times out", () -> sd.snapshot().state() == State.DOWN);
            // Listeners hear of it on their own thread, a moment later.
            Poll.until(UP, "the listener heard of it", () -> eventsD.changes.stream()
                    .anyMatch(ch -> ch.oldState() == State.INIT && ch.newState() == State.DOWN));
            StateChange last = eventsD.changes.get(eventsD.changes.size() - 1);
            assertThat(last.oldState()).isEqualTo(State.INIT);
            assertThat(last.localDiag()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
            assertThat(sd.snapshot().remote().state()).isNotEqualTo(State.ADMIN_DOWN);
            assertThat(eventsD.changes).noneMatch(ch -> ch.remoteDiag() == Diagnostic.ADMINISTRATIVELY_DOWN);
        } finally {
            c.close();
            d.close();
        }
    }

    /**
     * A session recreated with settings it cannot take live (DSCP), the way a reload does it:
     * prepared beside the running one (its socket bound, nothing sent), then committed in one
     * step that drops the old one without AdminDown; the peer follows the new discriminator
     * and comes Up with it. A prepare that cannot bind leaves the running session alone; an
     * aborted one gives its socket back, and the key stays usable.
     */
    @Test
    void aPreparedSessionTakesThePlaceOfTheRunningOneInOneStep() {
        BfdSession[] p = pair(c -> c);
        BfdSession old = p[0];
        BfdSession sb = p[1];
        BfdSession now = null;
        try {
            awaitUp(old, sb);
            long oldDiscr = old.snapshot().localDiscriminator();
            assertThatThrownBy(() -> a.prepareSession(v4("100.64.30.2", "100.64.31.1").build(), null))
                    .isInstanceOf(FieldException.class).hasMessageStartingWith("local: cannot send from 100.64.31.1");
            assertThatThrownBy(() -> a.prepareSession(v4("100.64.30.2", "100.64.30.1").build(), null))
                    .as("the same key without naming the session it replaces").isInstanceOf(FieldException.class)
                    .hasMessageStartingWith("peer: duplicate session key");
            PreparedSession aborted = a.prepareSession(v4("100.64.30.2", "100.64.30.1").dscp(46).build(), old);
            aborted.abort();
            assertThat(old.snapshot().state()).isEqualTo(State.UP);
            PreparedSession next = a.prepareSession(v4("100.64.30.2", "100.64.30.1").dscp(46).build(), old);
            assertThat(old.snapshot().state()).as("untouched until the commit").isEqualTo(State.UP);
            int seenB = eventsB.changes.size();
            now = next.commit(null);
            assertThat(now.config().dscp()).isEqualTo(46);
            assertThat(a.session(old.key()).map(BfdSession::snapshot).map(SessionSnapshot::localDiscriminator))
                    .contains(now.snapshot().localDiscriminator());
            assertThat(now.snapshot().localDiscriminator()).isNotEqualTo(oldDiscr);
            BfdSession fresh = now;
            awaitUp(fresh, sb);
            assertThat(sb.snapshot().remote().discriminator()).isEqualTo(fresh.snapshot().localDiscriminator());
            assertThat(since(eventsB.changes, seenB)).as("the peer never heard AdminDown")
                    .noneMatch(ch -> ch.remoteDiag() == Diagnostic.ADMINISTRATIVELY_DOWN);
            assertThatThrownBy(() -> old.holdDown(Diagnostic.PATH_DOWN).join())
                    .hasMessageContaining("was removed");
        } finally {
            if (now != null) {
                now.remove().join();
            } else {
                old.remove().join();
            }
            sb.remove().join();
        }
    }

    @Test
    void adminDownIsSeenAsAdminDownAndRemovalToo() {
        BfdSession[] p = pair(c -> c);
        BfdSession sa = p[0];
        BfdSession sb = p[1];
        try {
            awaitUp(sa, sb);
            sa.adminDown().join();
            Poll.until(Duration.ofSeconds(2), "peer Down", () -> sb.snapshot().state() == State.DOWN);
            assertThat(sb.snapshot().remote().state()).isEqualTo(State.ADMIN_DOWN);
            assertThat(sb.snapshot().remote().diag()).isEqualTo(Diagnostic.ADMINISTRATIVELY_DOWN);
            assertThat(sb.snapshot().localDiag()).isEqualTo(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
            sa.adminUp().join();
            awaitUp(sa, sb);
            sa.remove().join();
            assertThat(sb.snapshot().state()).isEqualTo(State.DOWN);
            assertThat(sb.snapshot().remote().state()).isEqualTo(State.ADMIN_DOWN);
        } finally {
            sb.remove().join();
        }
    }

    /**
     * RFC 5881 §5: a single-hop packet that arrives with TTL 254 is dropped by the receive
     * socket's filter; the same packet with TTL 255 moves the session.
     */
    @Test
    void singleHopPacketBelowTtl255NeverReachesTheSession() throws Exception {
        BfdSession sa = a.addSession(v4("100.64.30.2", "100.64.30.1").passive(true).build());
        io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.epoll.EpollIoHandler.newFactory());
        try {
            // Down, my discriminator 0x0b0b0b0b, your 0, 1 s / 1 s, mult 3.
            byte[] down = java.util.HexFormat.of().parseHex("20400318" + "0b0b0b0b" + "00000000" + "000f4240"
                    + "000f4240" + "00000000");
            for (int ttl : new int[] {254, 255}) {
                io.netty.channel.epoll.EpollDatagramChannel ch = nb.call(() -> {
                    var c = new io.netty.channel.epoll.EpollDatagramChannel(
                            io.netty.channel.socket.SocketProtocolFamily.INET);
                    c.config().setOption(new io.netty.channel.unix.IntegerUnixChannelOption("IP_TTL", 0, 2), ttl);
                    return c;
                });
                group.register(ch).sync();
                ch.bind(new java.net.InetSocketAddress("100.64.30.2", 0)).sync();
                ch.writeAndFlush(new io.netty.channel.socket.DatagramPacket(io.netty.buffer.Unpooled.wrappedBuffer(down),
                        new java.net.InetSocketAddress("100.64.30.1", 3784))).sync();
                ch.close().sync();
            }
            // Both went out in order over one veth; once the TTL 255 one has arrived, the
            // TTL 254 one has been dealt with too.
            Poll.until(Duration.ofSeconds(2), "TTL 255 accepted", () -> sa.snapshot().state() == State.INIT);
            assertThat(sa.snapshot().remote().discriminator()).isEqualTo(0x0b0b0b0bL);
            assertThat(sa.snapshot().counter(dev.xlatsentinel.bfd.Counter.RX_PACKETS)).as("only TTL 255")
                    .isEqualTo(1);
        } finally {
            group.shutdownGracefully();
            sa.remove().join();
        }
    }

    /**
     * Two engines roll their key over live (RFC 5880 §6.7), each step applied on the event
     * loop while packets flow every 50 ms: no state change on either side. A timer change and
     * a key change queued back to back both apply (each is merged into the config on the loop).
     * Another auth type is refused on a live session with nothing changed.
     */
    @Test
    void authenticatedSessionBetweenTwoEnginesRollsItsKeyOverWithoutAFlap() {
        AuthKey k9 = AuthKey.of(9, Secret.of("engine-key"));
        AuthKey k10 = AuthKey.of(10, Secret.of("next-engine-key"));
        // 50 ms x 20: this case is about keys, not speed; a loaded test machine (load 35 on 2
        // cores seen, and a 150 ms detection time expired there) must not pass for a flap.
        BfdSession[] p = pair(c -> c.detectMult(20).auth(AuthType.METICULOUS_KEYED_SHA1, 9, k9.secret()));
        try {
            awaitUp(p);
            // The listener thread hears of Up after the snapshot shows it: count from there.
            awaitHeardUp(eventsA, p[0]);
            awaitHeardUp(eventsB, p[1]);
            int changesA = eventsA.statesOf(p[0].key()).size();
            int changesB = eventsB.statesOf(p[1].key()).size();
            AuthConfig both = AuthConfig.chain(AuthType.METICULOUS_KEYED_SHA1, List.of(k9, k10), 9);
            p[1].updateAuth(both).join();
            p[0].updateTimers(Duration.ofMillis(40), Duration.ofMillis(40), 25);
            p[0].updateAuth(both.sendingWith(10)).join();
            Poll.until(UP, "b sees a's new key", () -> Integer.valueOf(10).equals(p[1].snapshot().auth().peerKeyId()));
            p[1].updateAuth(both.sendingWith(10)).join();
            Poll.until(UP, "a sees b's new key", () -> Integer.valueOf(10).equals(p[0].snapshot().auth().peerKeyId()));
            AuthConfig end = AuthConfig.chain(AuthType.METICULOUS_KEYED_SHA1, List.of(k10), 10);
            p[0].updateAuth(end).join();
            p[1].updateAuth(end).join();
            long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (System.nanoTime() < until) {
                assertThat(p[0].snapshot().state()).as(() -> "a: " + eventsA.changes).isEqualTo(State.UP);
                assertThat(p[1].snapshot().state()).as(() -> "b: " + eventsB.changes).isEqualTo(State.UP);
            }
            assertThat(eventsA.statesOf(p[0].key())).as(() -> "a: " + eventsA.changes).hasSize(changesA);
            assertThat(eventsB.statesOf(p[1].key())).as(() -> "b: " + eventsB.changes).hasSize(changesB);
            assertThat(p[0].config().auth()).isEqualTo(end);
            assertThat(p[0].config().desiredMinTxMicros()).as("the timer change kept").isEqualTo(40_000);
            assertThat(p[0].snapshot().auth().keyIds()).containsExactly(10);
            assertThatThrownBy(() -> p[0].updateAuth(AuthConfig.of(AuthType.KEYED_SHA1, 10, k10.secret())))
                    .isInstanceOf(FieldException.class)
                    .hasMessage("auth.type: authentication type meticulous-keyed-sha1 cannot become keyed-sha1 on"
                            + " a live session: remove the session and add it again");
            assertThat(p[0].config().auth()).isEqualTo(end);
        } finally {
            remove(p);
        }
    }

    /** Many sessions share one receive socket per side and are told apart by discriminator. */
    @Test
    void aHundredSessionsComeUpAndStayUp() {
        List<BfdSession> ours = new ArrayList<>();
        List<BfdSession> theirs = new ArrayList<>();
        try {
            for (int i = 0; i < MANY; i++) {
                String peer = "2001:db8:30::2:" + Integer.toHexString(i + 1);
                // 200 ms x 3: this case is about demultiplexing many sessions, not speed, and
                // must not flap on a loaded machine.
                ours.add(a.addSession(SessionConfig.builder().peer(peer).local("2001:db8:30::1").iface("eth0")
                        .interval(Duration.ofMillis(200)).build()));
                theirs.add(b.addSession(SessionConfig.builder().peer("2001:db8:30::1").local(peer).iface("eth0")
                        .interval(Duration.ofMillis(200)).build()));
            }
            Poll.until(Duration.ofSeconds(30), Duration.ofMillis(100), "all Up",
                    () -> a.snapshots().stream().filter(s -> s.state() == State.UP).count() >= MANY
                            && b.snapshots().stream().filter(s -> s.state() == State.UP).count() >= MANY,
                    () -> a.snapshots().stream().filter(s -> s.state() != State.UP).toList().toString());
            List<SessionKey> keys = ours.stream().map(BfdSession::key).toList();
            // The listener thread hears of a change after the snapshot shows it: wait until it has.
            Poll.until(Duration.ofSeconds(10), "the listener heard every session come Up", () -> keys.stream()
                    .allMatch(k -> {
                        List<State> states = eventsA.statesOf(k);
                        return !states.isEmpty() && states.get(states.size() - 1) == State.UP;
                    }));
            int events = eventsA.changes.size();
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertThat(since(eventsA.changes, events))
                    .filteredOn(c -> keys.contains(c.key())).isEmpty();
            assertThat(a.snapshots().stream().mapToInt(s -> s.sourcePort()).distinct().count())
                    .as("a source port per session").isEqualTo(a.snapshots().size());
        } finally {
            ours.forEach(BfdSession::remove);
            theirs.forEach(BfdSession::remove);
            for (BfdSession s : ours) {
                s.remove().join();
            }
            for (BfdSession s : theirs) {
                s.remove().join();
            }
        }
    }
}
