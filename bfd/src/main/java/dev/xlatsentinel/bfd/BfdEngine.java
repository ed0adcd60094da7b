package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.session.Session;
import dev.xlatsentinel.bfd.session.SessionTable;
import dev.xlatsentinel.bfd.session.WireAddress;
import dev.xlatsentinel.bfd.transport.UdpTransport;
import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.sched.Realtime;
import dev.xlatsentinel.platform.time.Clock;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BFD speaker: sessions, one event-loop thread for their timers and I/O, and a UDP
 * transport in one network namespace. Every public method may be called from any thread;
 * the work is handed to the event loop. Methods that return a value wait for it (and refuse
 * to run on the event loop itself); actions return a future.
 *
 * <p>The sessions are guarded by one lock that every event-loop task touching them holds
 * ({@link SessionLoop}). That lets a hold-down run on the caller's own thread when nothing
 * else is using them: the Down leaves without waking the loop (see {@link BfdSession#holdDown}).
 *
 * <pre>{@code
 * try (BfdEngine bfd = BfdEngine.builder().build().start()) {
 *     bfd.addListener(change -> log.info("{}", change));
 *     BfdSession s = bfd.addSession(SessionConfig.builder()
 *             .peer("192.0.2.1").local("192.0.2.2").interval(Duration.ofMillis(50)).build());
 *     s.holdDown(Diagnostic.PATH_DOWN);
 * }
 * }</pre>
 */
public final class BfdEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BfdEngine.class);
    static final long DEFAULT_TIMER_RESOLUTION_NANOS = 500_000;

    private final Clock clock;
    private final RandomGenerator random;
    private final RandomGenerator identifiers;
    private final long timerResolutionNanos;
    private final int realtimePriority;
    private final IoEventLoopGroup group;
    private final boolean ownsGroup;
    private final Executor socketExecutor;
    private final Executor listenerExecutor;
    private final ExecutorService ownedListenerExecutor;
    private final ListenerHandOver handOver;

    /** The event loop and the lock over everything below (see {@link SessionLoop}). */
    private SessionLoop loop;
    private final Runnable afterHere = this::afterHere;
    private SessionTable table;
    private UdpTransport transport;
    private SessionTimer timer;
    private volatile boolean started;
    private volatile boolean closed;

    BfdEngine(BfdEngineBuilder b) {
        this.clock = b.clock;
        this.random = b.random;
        this.identifiers = b.identifiers;
        this.timerResolutionNanos = b.timerResolution.toNanos();
        this.realtimePriority = b.realtimePriority;
        this.ownsGroup = b.group == null;
        this.group = ownsGroup ? new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bfd", true),
                EpollIoHandler.newFactory()) : b.group;
        this.socketExecutor = b.socketExecutor;
        if (b.listenerExecutor == null) {
            ownedListenerExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "bfd-listeners");
                t.setDaemon(true);
                return t;
            });
            listenerExecutor = ownedListenerExecutor;
        } else {
            ownedListenerExecutor = null;
            listenerExecutor = b.listenerExecutor;
        }
        handOver = new ListenerHandOver(listenerExecutor);
    }

    public static BfdEngineBuilder builder() {
        return new BfdEngineBuilder();
    }

    /** Picks the event loop and builds the core; sockets open with the first session. */
    public synchronized BfdEngine start() {
        if (started) {
            return this;
        }
        loop = new SessionLoop(group.next());
        handOver.loop(loop);
        onLoop(() -> {
            table = new SessionTable(transportSink(), handOver::publish, random, identifiers, clock.nanoTime(),
                    clock::now, timerResolutionNanos);
            // Logged on the listener thread, like state changes: the loop never waits for a log sink.
            table.onAuthFailure(handOver::authFailure);
            timer = new SessionTimer(loop, table, clock);
            if (realtimePriority > 0) {
                String failed = Realtime.raiseCurrentThread(realtimePriority);
                if (failed == null) {
                    LOG.info("BFD event loop {} runs SCHED_FIFO at priority {}", Thread.currentThread().getName(),
                            realtimePriority);
                } else {
                    LOG.warn("BFD event loop {} stays at normal priority: {}", Thread.currentThread().getName(),
                            failed);
                }
            }
            return null;
        });
        transport = new UdpTransport(loop.eventLoop(), socketExecutor, new UdpTransport.Receiver() {
            @Override
            public void datagram(byte[] buf, int length, HopMode hop, WireAddress src, WireAddress dst, int ttl) {
                loop.lock();
                try {
                    table.receive(clock.nanoTime(), buf, length, hop, src, dst, ttl);
                } finally {
                    loop.unlock();
                }
            }

            @Override
            public void batchDone() {
                loop.lock();
                try {
                    rearm();
                } finally {
                    loop.unlock();
                }
            }

            @Override
            public void txError(Session s) {
                loop.locked(() -> s.counters().increment(Counter.TX_ERRORS));
            }
        });
        started = true;
        return this;
    }

    private dev.xlatsentinel.bfd.session.PacketSink transportSink() {
        return (session, packet, length) -> transport.send(session, packet, length);
    }

    public void addListener(SessionListener l) {
        handOver.add(l);
    }

    public void removeListener(SessionListener l) {
        handOver.remove(l);
    }

    // ---------------------------------------------------------------- sessions

    /**
     * Adds a session and starts it; blocking. Throws {@link FieldException} naming
     * the field (duplicate key, unknown interface, unusable local address) with nothing
     * changed.
     */
    public BfdSession addSession(SessionConfig config) {
        return addSession(config, null);
    }

    /**
     * Adds a session already held Down with {@code heldDown} (RFC 5880 §6.8.18), or not held
     * when null: the hold applies before the session handles any packet, so its first packet
     * says Down and the peer never sees it Up until {@link BfdSession#release()}. This is how a
     * new gateway starts: unproven, it must not attract traffic.
     */
    public BfdSession addSession(SessionConfig config, Diagnostic heldDown) {
        if (heldDown == Diagnostic.NONE || heldDown == Diagnostic.RESERVED) {
            throw new FieldException("heldDown", "hold-down needs a diagnostic that says why, got "
                    + heldDown);
        }
        requireRunning();
        requireNotOnLoop();
        onLoop(() -> {
            table.checkAddable(config, 0);
            return null;
        });
        int ifindex = config.iface() == null ? 0 : transport.ifindex(config.iface());
        transport.ensureReceiveSocket(config);
        Channel ch = transport.openSendSocket(config, ifindex);
        try {
            Session s = onLoop(() -> {
                long now = clock.nanoTime();
                Session added = table.add(config, ifindex, UdpTransport.sourcePort(ch), ch, now);
                if (heldDown != null) {
                    table.holdDown(added, heldDown, now);
                }
                ch.attr(UdpTransport.SESSION).set(added);
                transport.sessionAdded(config);
                rearm();
                return added;
            });
            LOG.info("BFD session added: {}", config);
            return new BfdSession(this, config.key(), s);
        } catch (RuntimeException e) {
            onLoop(() -> {
                transport.closeSendSocket(ch);
                return null;
            });
            throw e;
        }
    }

    /**
     * The first half of adding a session, for a caller that must know the session can run
     * before it changes anything (a reload): checks the key, looks the interface up, opens the
     * receive sockets of the session's family and hop mode if they are not open yet, and opens
     * the session's send socket (bound to its local address and a source port, connected to
     * the peer, TTL 255, DSCP, SO_BINDTODEVICE): everything that can fail. Nothing is sent and
     * no session changes. {@link PreparedSession#commit} then adds it in one event-loop step
     * that does no I/O; {@link PreparedSession#abort} gives the socket back. Blocking.
     *
     * <p>{@code replacing} (nullable): the session this one takes the place of, with other
     * settings (a type of authentication, a DSCP, a namespace that cannot change live), or
     * with the same addresses on another interface (another key: their packets could not be
     * told apart while both ran). It
     * runs on until the commit, which drops it without a word to the peer in the same step:
     * the peer hears the new session's packets from then on (its own session sees Down and
     * starts over, RFC 5880 §6.8.6), with no AdminDown and no gap in which the key is held.
     * Its key may be taken here; so may the key of a session that is being removed (the commit
     * drops that one too).
     *
     * @throws FieldException naming the field (duplicate key, unknown interface, unusable
     *     local address), with nothing changed
     */
    public PreparedSession prepareSession(SessionConfig config, BfdSession replacing) {
        requireRunning();
        requireNotOnLoop();
        Session replaced = replacing != null && replacing.engine() == this ? replacing.session() : null;
        // The interface first: a missing one is the cause to name, not the clash it would make.
        int ifindex = config.iface() == null ? 0 : transport.ifindex(config.iface());
        onLoop(() -> {
            table.checkReplaceable(config, config.linkLocal() ? ifindex : 0, replaced);
            return null;
        });
        // Receive sockets are shared by the engine's sessions and stay open like after a removal.
        transport.ensureReceiveSocket(config);
        Channel ch = transport.openSendSocket(config, ifindex);
        return new PreparedSession(this, config, ifindex, ch, replacing);
    }

    /**
     * {@link PreparedSession#commit}: queues one step on the event loop (no I/O) and returns
     * its handle at once; actions on the handle run after that step.
     */
    BfdSession commit(PreparedSession p, Diagnostic heldDown) {
        if (heldDown == Diagnostic.NONE || heldDown == Diagnostic.RESERVED) {
            throw new FieldException("heldDown", "hold-down needs a diagnostic that says why, got " + heldDown);
        }
        requireRunning();
        SessionConfig config = p.config();
        Channel ch = (Channel) p.channel();
        BfdSession replacing = p.replacing();
        BfdSession handle = new BfdSession(this, config);
        if (replacing != null && replacing.engine() != this) {
            // A namespace move: the old session is another engine's; it goes silent there.
            replacing.engine().forget(replacing);
        }
        loop.post(() -> {
            try {
                long now = clock.nanoTime();
                Session holder = table.get(config.key());
                if (holder != null && (replacing != null && holder == replacing.session() || holder.removing())) {
                    forgetNow(holder);
                }
                Session old = replacing != null && replacing.engine() == this ? replacing.session() : null;
                if (old != null && old != holder && table.get(old.key()) == old) {
                    forgetNow(old); // under another key: the same addresses moved to another interface
                }
                Session added = table.add(config, p.ifindex(), UdpTransport.sourcePort(ch), ch, now);
                if (heldDown != null) {
                    table.holdDown(added, heldDown, now);
                }
                ch.attr(UdpTransport.SESSION).set(added);
                transport.sessionAdded(config);
                handle.bind(added);
                rearm();
                LOG.info("BFD session added: {}{}", config, replacing == null ? "" : " (in place of the previous one)");
            } catch (RuntimeException e) {
                // Only a bug gets here: prepare checked what can fail.
                transport.closeSendSocket(ch);
                handle.fail(e);
                LOG.error("BFD session {} did not start after it was prepared", config.key(), e);
            }
        });
        return handle;
    }

    /** {@link PreparedSession#abort}: closes the send socket (nothing was sent on it); returns once closed. */
    void abort(PreparedSession p) {
        Channel ch = (Channel) p.channel();
        if (closed || !started) {
            ch.close();
            return;
        }
        onLoop(() -> {
            transport.closeSendSocket(ch);
            return null;
        });
    }

    /** Drops a session of this engine at once, without a word to the peer (not blocking). */
    void forget(BfdSession h) {
        if (closed || !started) {
            return;
        }
        loop.post(() -> {
            Session s = h.session();
            if (s != null && table.get(s.key()) == s) {
                forgetNow(s);
                rearm();
            }
        });
    }

    /** Event loop: out of every table now; a removal in progress completes, the socket closes. */
    private void forgetNow(Session s) {
        boolean removing = s.removing();
        // A removal in progress closes the socket and completes its future when dropped.
        table.forgetSilently(s);
        if (!removing) {
            transport.closeSendSocket((Channel) s.attachment());
            transport.sessionRemoved(s.config());
        }
        LOG.info("BFD session dropped for its replacement: {}", s.key());
    }

    /**
     * Removes a session: AdminDown at once (RFC 5880 §6.8.16), AdminDown for one of the
     * peer's detection times, then its socket closes and the future completes. The key stays
     * taken until then.
     */
    public CompletableFuture<Void> removeSession(SessionKey key) {
        requireRunning();
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.post(() -> {
            Session s = table.get(key);
            if (s == null) {
                done.complete(null);
                return;
            }
            removeOnLoop(s, done);
        });
        return done;
    }

    private void removeOnLoop(Session s, CompletableFuture<Void> done) {
        table.remove(s.key(), clock.nanoTime(), () -> {
            transport.closeSendSocket((Channel) s.attachment());
            transport.sessionRemoved(s.config());
            LOG.info("BFD session removed: {}", s.key());
            done.complete(null);
        });
        rearm();
    }

    /** The session with {@code key}, if any; blocking. */
    public java.util.Optional<BfdSession> session(SessionKey key) {
        requireRunning();
        Session s = onLoop(() -> table.get(key));
        return java.util.Optional.ofNullable(s).map(x -> new BfdSession(this, key, x));
    }

    /** Snapshots of every session; blocking. */
    public List<SessionSnapshot> snapshots() {
        requireRunning();
        return onLoop(() -> {
            long now = clock.nanoTime();
            List<SessionSnapshot> out = new ArrayList<>();
            for (Session s : table.sessions()) {
                out.add(table.snapshot(s, now));
            }
            return out;
        });
    }

    /** Engine-wide counters, including drops of packets that matched no session; blocking. */
    public Map<Counter, Long> counters() {
        requireRunning();
        return onLoop(() -> table.counters().copy());
    }

    /**
     * The receive queues (peers' and others', per family and hop mode) with what each has
     * read and what the kernel dropped on it; blocking.
     */
    public List<ReceiveQueue> receiveQueues() {
        requireRunning();
        return onLoop(() -> transport.receiveQueues());
    }

    // ---------------------------------------------------------------- for BfdSession

    /** An action on one session, on the event loop. */
    @FunctionalInterface
    interface SessionAction {
        void apply(Session s, long now);
    }

    CompletableFuture<Void> act(BfdSession h, SessionAction action) {
        requireRunning();
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.post(() -> {
            try {
                Session s = h.live();
                if (table.get(s.key()) != s) {
                    throw new IllegalStateException("session " + s.key() + " was removed");
                }
                action.apply(s, clock.nanoTime());
                rearm();
                f.complete(null);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * {@link #act}, on the calling thread when that overtakes nothing: no loop task holds the
     * sessions and none that touches them waits. The packet the action implies then leaves
     * from this thread at once, with no wake-up of the event loop before it (on a small or
     * virtual machine that wake-up is most of the time from a decision to the wire; issue
     * 16); the loop re-arms its timer and tells the listeners in a task posted after. That
     * task does not wake the loop when the timer already armed is due no later than the
     * sessions' next deadline (it runs then): a wake-up would hand the loop the CPU, and the
     * lock, before the caller's next hold-down.
     * Otherwise posted like {@link #act}, behind what waits. Never waits for the loop.
     */
    CompletableFuture<Void> actHere(BfdSession h, SessionAction action) {
        requireRunning();
        RuntimeException[] failed = new RuntimeException[1];
        boolean[] wake = new boolean[1];
        boolean ran = loop.tryHere(() -> {
            Session s = h.session();
            if (closed || s == null || table.get(s.key()) != s) {
                return false;
            }
            try {
                action.apply(s, clock.nanoTime());
            } catch (RuntimeException e) {
                failed[0] = e; // as on the loop: what applied stays, the caller hears why
            }
            wake[0] = timer.needsRearm();
            return true;
        });
        if (!ran) {
            return act(h, action);
        }
        try {
            if (wake[0]) {
                loop.execute(afterHere);
            } else {
                loop.executeLazily(afterHere);
            }
        } catch (RejectedExecutionException e) {
            LOG.debug("BFD event loop stopping: the timer is not re-armed after an action here");
        }
        return failed[0] == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failed[0]);
    }

    /** Event loop, after an action ran on its caller's thread: its state changes told, the timer re-armed. */
    private void afterHere() {
        loop.locked(() -> {
            handOver.handOver();
            rearm();
        });
    }

    SessionTable table() {
        return table;
    }

    SessionSnapshot snapshot(BfdSession h) {
        requireRunning();
        return onLoop(() -> table.snapshot(h.live(), clock.nanoTime()));
    }

    /** Removes the session behind {@code h} if it is still in the table (see {@link #removeSession}). */
    CompletableFuture<Void> removeSession(BfdSession h) {
        requireRunning();
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.post(() -> {
            Session s;
            try {
                s = h.live();
            } catch (RuntimeException e) {
                done.complete(null); // it never started: nothing to remove
                return;
            }
            if (table.get(s.key()) != s) {
                done.complete(null);
                return;
            }
            removeOnLoop(s, done);
        });
        return done;
    }

    /** Arms the loop's one wake-up for the earliest session deadline ({@link SessionTimer}). */
    private void rearm() {
        if (!closed) {
            timer.rearm();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Sends AdminDown on every session once, closes every socket and, when the engine made
     * its own, stops the event loop and the listener thread.
     */
    @Override
    public synchronized void close() {
        close(true);
    }

    /**
     * Stops without telling the peers anything: every session goes silent, so a peer that saw
     * a session held Down keeps it Down (and the route withdrawn) instead of reading an
     * AdminDown, which RFC 5882 §3.2 lets a router treat as "keep the route". What the agent
     * does when it stops.
     */
    public synchronized void closeSilently() {
        close(false);
    }

    private void close(boolean adminDown) {
        if (!started || closed) {
            closed = true;
            shutdownExecutors();
            return;
        }
        try {
            onLoop(() -> {
                long now = clock.nanoTime();
                for (Session s : List.copyOf(table.sessions())) {
                    if (adminDown) {
                        table.removeNow(s, now);
                    } else {
                        table.forgetSilently(s);
                    }
                    transport.closeSendSocket((Channel) s.attachment());
                }
                closed = true;
                timer.stop();
                return null;
            });
            transport.close();
        } finally {
            closed = true;
            shutdownExecutors();
        }
    }

    private void shutdownExecutors() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (ownedListenerExecutor != null) {
            ownedListenerExecutor.shutdown();
        }
    }

    /** Runs {@code task} on the event loop holding the sessions' lock, and waits for it. */
    private <T> T onLoop(java.util.concurrent.Callable<T> task) {
        return loop.call(task);
    }

    private void requireRunning() {
        if (!started || closed) {
            throw new IllegalStateException("BFD engine is " + (closed ? "closed" : "not started"));
        }
    }

    private void requireNotOnLoop() {
        if (loop.inLoop()) {
            throw new IllegalStateException("addSession blocks; call it off the BFD event loop");
        }
    }
}
