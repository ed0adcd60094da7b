package dev.xlatsentinel.frr.vty;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for one FRR daemon's vty socket that speaks vtysh's protocol: one command line
 * and a NUL per round trip, one reply ({@link ReplyDecoder}) back. Like vtysh it sends
 * {@code enable} right after connecting: a vtysh connection starts in VIEW node
 * (lib/vty.c, vtysh_accept), where bfdd's {@code show bfd ...} commands do not exist.
 *
 * <p>The client never makes a caller wait on a dead daemon. While it is connected, commands go
 * out at once; when the connection breaks (I/O error, EOF, reply timeout, a closed idle
 * connection seen by the liveness check) it marks itself "unreachable since T: reason",
 * callers get {@link VtyUnreachableException} immediately, and a supervisor thread reconnects
 * with exponential backoff (Resilience4j {@link Retry}). Each new connection runs the
 * {@link ConnectionListener} (re-apply desired state) before callers see it reachable again.
 */
public final class VtyClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VtyClient.class);

    private final VtyEndpoint endpoint;
    private final VtyClientConfig config;
    private final ConnectionListener onConnect;
    private final ReentrantLock lock = new ReentrantLock();
    private final Object stateMonitor = new Object();
    private final ScheduledExecutorService supervisor;
    private final Retry retry;
    private final List<Consumer<Reachability>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean reconnectQueued = new AtomicBoolean();
    private final LongAdder roundTrips = new LongAdder();
    private final AtomicLong generation = new AtomicLong();
    private VtyConnection connection; // guarded by lock
    private volatile Reachability reachability = Reachability.down(Instant.now(), "not connected yet");
    private volatile boolean closed;

    private VtyClient(VtyEndpoint endpoint, VtyClientConfig config, ConnectionListener onConnect) {
        this.endpoint = endpoint;
        this.config = config;
        this.onConnect = onConnect;
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vty-" + endpoint.daemon());
            t.setDaemon(true);
            return t;
        });
        RetryConfig retryConfig = RetryConfig.custom()
                .maxAttempts(Integer.MAX_VALUE)
                .intervalBiFunction(IntervalBiFunction.ofIntervalFunction(
                        IntervalFunction.ofExponentialBackoff(config.retryInitial(), 2.0, config.retryMax())))
                .retryOnException(e -> !closed && e instanceof VtyUnreachableException)
                .build();
        this.retry = Retry.of("vty-" + endpoint.daemon(), retryConfig);
    }

    /**
     * Creates the client and starts connecting in the background; use {@link #awaitReachable}
     * to wait for the first connection. {@code onConnect} runs on every (re)connect.
     */
    public static VtyClient start(VtyEndpoint endpoint, VtyClientConfig config, ConnectionListener onConnect) {
        VtyClient c = new VtyClient(endpoint, config, onConnect);
        c.scheduleReconnect();
        long every = config.livenessEvery().toMillis();
        c.supervisor.scheduleWithFixedDelay(c::checkLiveness, every, every, TimeUnit.MILLISECONDS);
        return c;
    }

    public VtyEndpoint endpoint() {
        return endpoint;
    }

    public Reachability reachability() {
        return reachability;
    }

    /** Waits until the client is connected or {@code timeout} passed; returns whether it is. */
    public boolean awaitReachable(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateMonitor) {
            while (!reachability.reachable() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(stateMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return reachability.reachable();
        }
    }

    /** Called with every change of reachability, on the thread that saw it. */
    public void addReachabilityListener(Consumer<Reachability> listener) {
        listeners.add(listener);
    }

    /**
     * The current connection's number (see {@link VtySession#generation()}); it changes when the
     * client reconnects, which is when remembered "already applied" state goes stale.
     */
    public long generation() {
        return generation.get();
    }

    /** Command lines sent so far (every round trip counts one, whatever the reply). */
    public long roundTrips() {
        return roundTrips.sum();
    }

    /** Sends one command (ENABLE node) and returns its text; see {@link VtySession#execute}. */
    public String execute(String line) {
        return call(s -> s.execute(line));
    }

    /**
     * Runs {@code work} with exclusive use of the live connection, so that a configure block
     * is not interleaved with another caller's commands. Fails at once when the daemon is
     * unreachable, and after {@link VtyClientConfig#lockTimeout()} when another caller holds
     * the connection.
     */
    public <T> T call(Function<VtySession, T> work) {
        Reachability r = reachability;
        if (!r.reachable()) {
            throw new VtyUnreachableException(endpoint.toString(), r);
        }
        boolean locked;
        try {
            locked = lock.tryLock(config.lockTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VtyUnreachableException(endpoint.toString(), Reachability.down(Instant.now(), "interrupted"));
        }
        if (!locked) {
            throw new VtyTimeoutException(endpoint + ": another exchange held the connection longer than "
                    + config.lockTimeout(), reachability);
        }
        try {
            VtyConnection c = connection;
            if (c == null || !reachability.reachable()) {
                throw new VtyUnreachableException(endpoint.toString(), reachability);
            }
            return work.apply(new Session(c, generation.get()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        supervisor.shutdownNow();
        try {
            if (lock.tryLock(config.lockTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                try {
                    closeConnection();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        setReachability(Reachability.down(Instant.now(), "client closed"));
    }

    @Override
    public String toString() {
        return "vty client for " + endpoint + ", " + reachability;
    }

    // ---- connection management (lock held unless stated) ----

    private void scheduleReconnect() {
        scheduleReconnect(Duration.ZERO);
    }

    private void scheduleReconnect(Duration delay) {
        if (!closed && reconnectQueued.compareAndSet(false, true)) {
            try {
                supervisor.schedule(this::reconnect, delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                reconnectQueued.set(false); // closing
            }
        }
    }

    /** Supervisor thread: retries {@link #attempt} with backoff until it succeeds or the client closes. */
    private void reconnect() {
        boolean connected = false;
        try {
            retry.executeCheckedSupplier(() -> {
                attempt();
                return null;
            });
            connected = true;
        } catch (Throwable t) {
            if (!closed) {
                LOG.warn("{}: reconnect attempt failed unexpectedly, trying again in {}: {}", endpoint,
                        config.retryMax(), t.toString());
            }
        } finally {
            reconnectQueued.set(false);
        }
        // Either an unexpected error ended the retries (wait the longest backoff, no hot loop), or a
        // failure came after the last attempt succeeded but before the flag was cleared and so
        // queued nothing: catch both here.
        if (!closed && !reachability.reachable()) {
            scheduleReconnect(connected ? config.retryInitial() : config.retryMax());
        }
    }

    private void attempt() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (closed) {
                throw new IllegalStateException("client closed");
            }
            closeConnection();
            VtyConnection c;
            try {
                c = VtyConnection.open(endpoint.socket(), config.connectTimeout());
            } catch (IOException e) {
                throw markDown("cannot connect: " + reason(e), false);
            } catch (RuntimeException e) {
                throw markDown("cannot connect: " + e, false);
            }
            connection = c;
            Session s = new Session(c, generation.incrementAndGet());
            try {
                s.execute("enable");
            } catch (CommandRejected e) {
                throw markDown("'enable' refused: " + e.getMessage(), false);
            }
            try {
                onConnect.connected(s);
            } catch (VtyUnreachableException e) {
                throw e;
            } catch (RuntimeException e) {
                // Keep the connection: refusing it would retry the same rejected restore forever.
                LOG.warn("{}: restoring desired state after connecting failed: {}", endpoint, e.toString());
            }
            if (connection != c) {
                throw new VtyUnreachableException(endpoint.toString(), reachability);
            }
            setReachability(Reachability.up(Instant.now()));
        } finally {
            lock.unlock();
        }
    }

    /** Supervisor thread: notices a daemon that went away while nobody was talking to it. */
    private void checkLiveness() {
        if (closed || !reachability.reachable() || !lock.tryLock()) {
            return; // busy means someone is talking to it and will see a failure themselves
        }
        try {
            if (connection != null && connection.idleButBroken()) {
                markDown("the daemon closed the connection", false);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops the connection, records why, queues a reconnect, and returns what to throw. */
    private VtyUnreachableException markDown(String reason, boolean timeout) {
        closeConnection();
        Reachability prev = reachability;
        Reachability now = Reachability.down(prev.reachable() ? Instant.now() : prev.since(), reason);
        setReachability(now);
        scheduleReconnect();
        return timeout ? new VtyTimeoutException(endpoint + " " + now, now)
                : new VtyUnreachableException(endpoint.toString(), now);
    }

    private void closeConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private void setReachability(Reachability next) {
        Reachability prev;
        synchronized (stateMonitor) {
            prev = reachability;
            reachability = next;
            stateMonitor.notifyAll();
        }
        if (prev.reachable() != next.reachable()) {
            if (next.reachable()) {
                LOG.info("{}: connected (connection #{}, {} round trips so far)", endpoint, generation.get(),
                        roundTrips());
            } else {
                LOG.warn("{}: {}", endpoint, next);
            }
        } else if (!next.reason().equals(prev.reason())) {
            LOG.debug("{}: {}", endpoint, next);
        } else {
            return;
        }
        for (Consumer<Reachability> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("{}: reachability listener failed", endpoint, e);
            }
        }
    }

    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** One connection's commands, run while the caller holds the lock. */
    private final class Session implements VtySession {
        private final VtyConnection conn;
        private final long gen;

        Session(VtyConnection conn, long gen) {
            this.conn = conn;
            this.gen = gen;
        }

        @Override
        public VtyReply send(String line) {
            if (line == null || line.isBlank() || line.indexOf('\0') >= 0 || line.indexOf('\n') >= 0
                    || line.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("command: one non-blank line without NUL or newline, got '"
                        + line + "'");
            }
            if (connection != conn) {
                throw new VtyUnreachableException(endpoint.toString(), reachability);
            }
            roundTrips.increment();
            try {
                ReplyDecoder.Frame f = conn.roundTrip(line, config.replyTimeout());
                return new VtyReply(line, CmdStatus.of(f.status()), f.status(), f.text());
            } catch (VtyConnection.ReplyTimeout e) {
                throw markDown(e.getMessage(), true);
            } catch (IOException e) {
                throw markDown("connection lost: " + reason(e), false);
            } catch (ReplyDecoder.VtyProtocolError e) {
                throw markDown("protocol error: " + e.getMessage(), false);
            }
        }

        @Override
        public String execute(String line) {
            VtyReply reply = send(line);
            if (!reply.isSuccess()) {
                throw CommandRejected.of(reply);
            }
            return reply.text();
        }

        @Override
        public void configure(List<String> lines) {
            execute("configure terminal");
            CommandRejected failure = null;
            try {
                for (String line : lines) {
                    VtyReply reply = send(line);
                    if (!reply.isSuccess() || reply.textReportsFailure()) {
                        failure = CommandRejected.of(reply);
                        throw failure;
                    }
                }
            } finally {
                if (connection == conn) {
                    try {
                        execute("end");
                    } catch (RuntimeException e) {
                        if (failure == null) {
                            throw e;
                        }
                        failure.addSuppressed(e);
                    }
                }
            }
        }

        @Override
        public long generation() {
            return gen;
        }
    }
}
