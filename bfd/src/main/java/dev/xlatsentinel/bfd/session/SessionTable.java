package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.AuthFailureNotice;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.bfd.auth.AuthConfig;
import dev.xlatsentinel.bfd.auth.Authenticator;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.timer.TimerHeap;
import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.net.IpAddresses;
import io.netty.util.collection.IntObjectHashMap;
import java.net.InetAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The sans-IO core of an engine: every session, the demultiplexing tables of RFC 5880
 * §6.8.6 (by Your Discriminator, or by peer, local address and interface), one
 * {@link TimerHeap} for all session timers, and the engine-wide counters. The transport
 * feeds it datagrams and the time; it produces packets through a {@link PacketSink} and
 * state changes through a consumer. Confined to one thread (the event loop), so it takes
 * no locks.
 */
public final class SessionTable implements SessionContext {
    /** Demultiplexing key when Your Discriminator is zero; ifindex only for link-local. */
    record AddressKey(HopMode hop, InetAddress peer, InetAddress local, int ifindex) {
    }

    /** The same without the local address, for datagrams whose destination is not known. */
    record PeerKey(HopMode hop, InetAddress peer, int ifindex) {
    }

    /** The slack is at most this fraction of the shortest transmit interval configured (5 %). */
    private static final int SLACK_PER_INTERVAL = 20;

    private final PacketSink sink;
    private final long maxTimerSlackNanos;
    /** Sessions per configured DesiredMinTx (µs): the shortest one bounds the slack. */
    private final TreeMap<Long, Integer> txIntervals = new TreeMap<>();
    private long timerSlackNanos;
    private final Consumer<StateChange> events;
    private final RandomGenerator random;
    /** Discriminators and initial sequence numbers: RFC 5880 §6.8.1 and §6.7.3 want them unpredictable. */
    private final RandomGenerator identifiers;
    private final long startNanos;
    private final Instant startWall;
    private final CounterSet counters = new CounterSet();
    private final TimerHeap timers = new TimerHeap();
    private final IntObjectHashMap<Session> byDiscr = new IntObjectHashMap<>();
    private final Map<SessionKey, Session> byKey = new HashMap<>();
    private final Map<AddressKey, Session> byAddress = new HashMap<>();
    private final Map<PeerKey, List<Session>> byPeer = new HashMap<>();
    private final List<Session> byTimer = new ArrayList<>();
    private final ArrayDeque<Integer> freeTimerIds = new ArrayDeque<>();
    private final Map<Session, Runnable> removalCallbacks = new HashMap<>();
    private final byte[] txBuffer = new byte[ControlPacket.MAX_LENGTH];
    private final ControlPacket tx = new ControlPacket().wrap(txBuffer, ControlPacket.MANDATORY_LENGTH);
    private final ReceivePath receivePath = new ReceivePath(this);
    private final WireAddress srcHolder = new WireAddress();
    private final WireAddress dstHolder = new WireAddress();
    private final TimerHeap.Expiry onExpiry = this::onTimer;
    private Consumer<AuthFailureNotice> authFailures = n -> org.slf4j.LoggerFactory.getLogger(SessionTable.class)
            .warn("BFD {}", n);

    public SessionTable(PacketSink sink, Consumer<StateChange> events, RandomGenerator random, long nowNanos,
            InstantSource wall) {
        this(sink, events, random, nowNanos, wall, 0);
    }

    /**
     * {@code maxTimerSlackNanos}: how late the driver may run timers at most (it rounds
     * wake-ups up to the slack to serve many sessions per wake-up); jitter leaves room for
     * it. The slack in effect ({@link #timerSlackNanos()}) is also at most 5 % of the
     * shortest configured transmit interval, so that fast sessions keep their jitter range.
     */
    public SessionTable(PacketSink sink, Consumer<StateChange> events, RandomGenerator random, long nowNanos,
            InstantSource wall, long maxTimerSlackNanos) {
        this(sink, events, random, random, nowNanos, wall, maxTimerSlackNanos);
    }

    /**
     * {@code random} draws the jitter (§6.8.7); {@code identifiers} the local discriminators
     * (§6.8.1) and the first authentication sequence numbers (§6.7.3), which an attacker must
     * not predict: a {@link java.security.SecureRandom} outside tests.
     */
    public SessionTable(PacketSink sink, Consumer<StateChange> events, RandomGenerator random,
            RandomGenerator identifiers, long nowNanos, InstantSource wall, long maxTimerSlackNanos) {
        this.identifiers = identifiers;
        this.maxTimerSlackNanos = maxTimerSlackNanos;
        this.timerSlackNanos = maxTimerSlackNanos;
        this.sink = sink;
        this.events = events;
        this.random = random;
        this.startNanos = nowNanos;
        this.startWall = wall.instant();
    }

    /** Where notices of refused packets go (default: logged at once, on the calling thread). */
    public void onAuthFailure(Consumer<AuthFailureNotice> consumer) {
        this.authFailures = java.util.Objects.requireNonNull(consumer);
    }

    // ---------------------------------------------------------------- sessions

    /**
     * Adds a session; throws {@link FieldException} (and changes nothing) when its
     * key or its addresses are taken. {@code ifindex} is the interface's index for a
     * link-local session, else 0; {@code attachment} is the transport's handle (its socket).
     */
    public Session add(SessionConfig config, int ifindex, int sourcePort, Object attachment, long now) {
        checkAddable(config, ifindex);
        int discr;
        do {
            discr = identifiers.nextInt();
        } while (discr == 0 || byDiscr.containsKey(discr));
        int timerId = freeTimerIds.isEmpty() ? byTimer.size() : freeTimerIds.poll();
        Authenticator auth = new Authenticator(config.auth(), identifiers.nextInt());
        Session s = new Session(this, config, discr, timerId, auth, ifindex, now);
        s.sourcePort(sourcePort);
        s.attach(attachment);
        if (timerId == byTimer.size()) {
            byTimer.add(s);
        } else {
            byTimer.set(timerId, s);
        }
        byDiscr.put(discr, s);
        byKey.put(config.key(), s);
        byAddress.put(addressKey(config, ifindex), s);
        byPeer.computeIfAbsent(peerKey(config, ifindex), k -> new ArrayList<>(1)).add(s);
        countTxInterval(config, 1);
        schedule(s);
        return s;
    }

    /** Throws for a config that {@link #add} would refuse; changes nothing. */
    public void checkAddable(SessionConfig config, int ifindex) {
        if (byKey.containsKey(config.key())) {
            Session other = byKey.get(config.key());
            throw new FieldException("peer", "duplicate session key " + config.key()
                    + (other.removing() ? " (still being removed)" : ""));
        }
        checkAddress(config, ifindex, null);
    }

    /**
     * The same for a session that will take the place of {@code replaced} (may be null) or of
     * a session with its key that is being removed: the caller drops that one
     * ({@link #forgetSilently}) in the step that adds the new one, so its key and addresses
     * do not count. Changes nothing.
     */
    public void checkReplaceable(SessionConfig config, int ifindex, Session replaced) {
        Session other = byKey.get(config.key());
        if (other != null && other != replaced && !other.removing()) {
            throw new FieldException("peer", "duplicate session key " + config.key());
        }
        // The replaced session may have another key (the same addresses on another
        // interface): it leaves in the same step, so its addresses do not count either.
        checkAddress(config, ifindex, other, replaced);
    }

    private void checkAddress(SessionConfig config, int ifindex, Session leaving) {
        checkAddress(config, ifindex, leaving, null);
    }

    private void checkAddress(SessionConfig config, int ifindex, Session leaving, Session alsoLeaving) {
        Session sameAddress = byAddress.get(addressKey(config, ifindex));
        if (sameAddress != null && sameAddress != leaving && sameAddress != alsoLeaving) {
            throw new FieldException("peer", "a session to " + IpAddresses.text(config.peer())
                    + " from " + IpAddresses.text(config.local())
                    + " exists on another interface; packets could not be told apart");
        }
    }

    static AddressKey addressKey(SessionConfig c, int ifindex) {
        return new AddressKey(c.hop(), c.peer(), c.local(), c.linkLocal() ? ifindex : 0);
    }

    static PeerKey peerKey(SessionConfig c, int ifindex) {
        return new PeerKey(c.hop(), c.peer(), c.linkLocal() ? ifindex : 0);
    }

    public Session get(SessionKey key) {
        return byKey.get(key);
    }

    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(byKey.values());
    }

    public int size() {
        return byKey.size();
    }

    /**
     * Starts removal (AdminDown first, RFC 5880 §6.8.16); {@code onGone} runs once the
     * session is out of every table.
     */
    public void remove(SessionKey key, long now, Runnable onGone) {
        Session s = byKey.get(key);
        if (s == null) {
            onGone.run();
            return;
        }
        if (!s.removing()) {
            s.beginRemoval(now);
        }
        removalCallbacks.merge(s, onGone, (a, b) -> () -> {
            a.run();
            b.run();
        });
        finishRemovalIfDue(s, now);
        if (byKey.get(key) == s) {
            schedule(s);
        }
    }

    private boolean finishRemovalIfDue(Session s, long now) {
        if (!s.removalDue(now)) {
            return false;
        }
        drop(s);
        return true;
    }

    /**
     * Engine shutdown: AdminDown once (RFC 5880 §6.8.16), then out of every table at once,
     * completing pending removals.
     */
    public void removeNow(Session s, long now) {
        s.adminDown(now);
        drop(s);
    }

    /**
     * Forgets a session without a word to the peer: no AdminDown, just silence. A session held
     * Down stays Down at the peer until its detection time, and Down after that.
     */
    public void forgetSilently(Session s) {
        drop(s);
    }

    private void drop(Session s) {
        timers.cancel(s.timerId());
        byDiscr.remove(s.localDiscriminator());
        byKey.remove(s.key());
        byAddress.remove(addressKey(s.config(), s.ifindex()));
        PeerKey pk = peerKey(s.config(), s.ifindex());
        List<Session> samePeer = byPeer.get(pk);
        samePeer.remove(s);
        if (samePeer.isEmpty()) {
            byPeer.remove(pk);
        }
        byTimer.set(s.timerId(), null);
        freeTimerIds.add(s.timerId());
        countTxInterval(s.config(), -1);
        Runnable cb = removalCallbacks.remove(s);
        if (cb != null) {
            cb.run();
        }
    }

    // ---------------------------------------------------------------- operator actions

    public void holdDown(Session s, Diagnostic diag, long now) {
        s.holdDown(now, diag);
        schedule(s);
    }

    public void release(Session s, long now) {
        s.release(now);
        schedule(s);
    }

    public void adminDown(Session s, long now) {
        s.adminDown(now);
        schedule(s);
    }

    public void adminUp(Session s, long now) {
        s.adminUp(now);
        schedule(s);
    }

    public void updateTimers(Session s, SessionConfig newConfig, long now) {
        countTxInterval(s.config(), -1);
        countTxInterval(newConfig, 1);
        s.updateTimers(now, newConfig);
        schedule(s);
    }

    /** A new key chain of the same type, live (see {@link Session#updateAuth}). */
    public void updateAuth(Session s, AuthConfig next, long now) {
        s.updateAuth(now, next);
        schedule(s);
    }

    private void countTxInterval(SessionConfig c, int delta) {
        txIntervals.merge(c.desiredMinTxMicros(), delta, (a, b) -> a + b == 0 ? null : a + b);
        timerSlackNanos = txIntervals.isEmpty() ? maxTimerSlackNanos
                : Math.min(maxTimerSlackNanos, txIntervals.firstKey() * 1000 / SLACK_PER_INTERVAL);
    }

    public SessionSnapshot snapshot(Session s, long now) {
        return s.snapshot(now);
    }

    // ---------------------------------------------------------------- time

    /** Runs every timer due at {@code now}. */
    public void poll(long now) {
        timers.pollExpired(now, onExpiry);
    }

    private void onTimer(int timerId, long now) {
        Session s = byTimer.get(timerId);
        if (s == null) {
            return;
        }
        s.poll(now);
        if (!finishRemovalIfDue(s, now)) {
            schedule(s);
        }
    }

    /** The earliest deadline of any session, or {@link TimerHeap#NEVER}. */
    public long nextDeadline() {
        return timers.earliest();
    }

    void schedule(Session s) {
        timers.set(s.timerId(), s.nextDeadline());
    }

    // ---------------------------------------------------------------- reception

    /**
     * One received datagram, addresses as octets (the transport's reused holders; {@code dst}
     * not known or the wildcard when the transport cannot tell); {@code ttl} is the received
     * TTL / hop limit, or -1 when the transport did not see it.
     */
    public void receive(long now, byte[] buf, int length, HopMode hop, WireAddress src, WireAddress dst, int ttl) {
        Session s = receivePath.receive(now, buf, length, hop, src, dst, ttl);
        if (s != null) {
            schedule(s);
        }
    }

    /** The same with {@link InetAddress} objects ({@code dst} may be null). */
    public void receive(long now, byte[] buf, int length, HopMode hop, InetAddress src, InetAddress dst, int ttl) {
        receive(now, buf, length, hop, srcHolder.set(src), dstHolder.set(dst), ttl);
    }

    Session byDiscriminator(int discr) {
        return byDiscr.get(discr);
    }

    Session byAddress(AddressKey key) {
        return byAddress.get(key);
    }

    /**
     * The one session with this peer when the destination address is unknown (Netty's epoll
     * channel reports none for IPv6); null when there is none or more than one.
     */
    Session byPeer(PeerKey key) {
        List<Session> l = byPeer.get(key);
        return l != null && l.size() == 1 ? l.get(0) : null;
    }

    public CounterSet counters() {
        return counters;
    }

    // ---------------------------------------------------------------- SessionContext

    @Override
    public ControlPacket txPacket() {
        return tx;
    }

    @Override
    public boolean transmit(Session session, byte[] packet, int length) {
        boolean sent = sink.send(session, packet, length);
        counters.increment(sent ? Counter.TX_PACKETS : Counter.TX_ERRORS);
        return sent;
    }

    @Override
    public void stateChanged(StateChange change) {
        counters.increment(Counter.STATE_TRANSITIONS);
        events.accept(change);
    }

    @Override
    public void authFailed(AuthFailureNotice notice) {
        authFailures.accept(notice);
    }

    @Override
    public int random(int bound) {
        return random.nextInt(bound);
    }

    /** How late the driver may run timers now: its maximum, or 5 % of the shortest transmit interval. */
    @Override
    public long timerSlackNanos() {
        return timerSlackNanos;
    }

    @Override
    public Instant wallTime(long nanos) {
        return startWall.plusNanos(nanos - startNanos);
    }
}
