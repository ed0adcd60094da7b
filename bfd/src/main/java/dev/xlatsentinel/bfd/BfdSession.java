package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.auth.AuthConfig;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.session.Session;
import dev.xlatsentinel.platform.config.FieldException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A handle on one session of a {@link BfdEngine}. Actions run on the engine's event loop
 * (a hold-down on the caller's thread when the engine is idle, {@link #holdDown}); each
 * returns a future that completes once applied (the packet it implies has been sent).
 * A handle from {@link PreparedSession#commit} exists before its session starts on the loop;
 * actions queue behind that start, so they apply to the session in order.
 */
public final class BfdSession {
    private final BfdEngine engine;
    private final SessionKey key;
    private final SessionConfig initial;
    /** Set on the event loop when the session starts; null before (or if it could not). */
    private volatile Session session;
    private volatile RuntimeException failed;

    BfdSession(BfdEngine engine, SessionKey key, Session session) {
        this.engine = engine;
        this.key = key;
        this.initial = session.config();
        this.session = session;
    }

    /** A handle whose session starts later on the event loop ({@link #bind}). */
    BfdSession(BfdEngine engine, SessionConfig config) {
        this.engine = engine;
        this.key = config.key();
        this.initial = config;
    }

    /** Event loop: the session started. */
    void bind(Session s) {
        this.session = s;
    }

    /** Event loop: the session could not start (a bug: prepare checked what can fail). */
    void fail(RuntimeException e) {
        this.failed = e;
    }

    /** Event loop: the session behind this handle, or why there is none. */
    Session live() {
        Session s = session;
        if (s == null) {
            throw failed != null ? new IllegalStateException("session " + key + " did not start: "
                    + failed.getMessage(), failed) : new IllegalStateException("session " + key + " has not started");
        }
        return s;
    }

    public SessionKey key() {
        return key;
    }

    BfdEngine engine() {
        return engine;
    }

    Session session() {
        return session;
    }

    /** The session's configuration now (timers as last changed by {@link #updateTimers}). */
    public SessionConfig config() {
        Session s = session;
        return s == null ? initial : s.config();
    }

    /**
     * RFC 5880 §6.8.18: go Down with {@code diag} (Path Down for a failed translator), send
     * the Down packet at once, keep sending Down and stay Down until {@link #release()}. The
     * peer goes Down, then Init, and never Up meanwhile.
     *
     * <p>The one action that runs on the caller's thread when it can: when no event-loop task
     * holds the sessions and no action waits for the loop, the Down is sent from here before
     * this returns (the future is then complete), with no wake-up of the loop on the way: the
     * decision to withdraw reaches the wire in microseconds. Otherwise it is posted behind
     * what waits, like every other action; it never overtakes an earlier one.
     */
    public CompletableFuture<Void> holdDown(Diagnostic diag) {
        Objects.requireNonNull(diag, "diag");
        if (diag == Diagnostic.RESERVED || diag == Diagnostic.NONE) {
            throw new FieldException("diag", "hold-down needs a diagnostic that says why, got " + diag);
        }
        return engine.actHere(this, (s, now) -> engine.table().holdDown(s, diag, now));
    }

    /** Ends a hold-down; the session comes Up again through the normal handshake. */
    public CompletableFuture<Void> release() {
        return engine.act(this, (s, now) -> engine.table().release(s, now));
    }

    /** Operator shutdown (RFC 5880 §6.8.16): AdminDown with diagnostic 7. */
    public CompletableFuture<Void> adminDown() {
        return engine.act(this, (s, now) -> engine.table().adminDown(s, now));
    }

    /** Ends an operator shutdown: Down, then the normal handshake. */
    public CompletableFuture<Void> adminUp() {
        return engine.act(this, (s, now) -> engine.table().adminUp(s, now));
    }

    /**
     * Changes the timers live: when Up, a Poll Sequence announces them and they apply under
     * the rules of RFC 5880 §6.8.3, without a flap. Throws {@link FieldException}
     * for bad values, with nothing changed.
     */
    public CompletableFuture<Void> updateTimers(Duration desiredMinTx, Duration requiredMinRx, int detectMult) {
        // Checked here, so that the caller sees a bad value; applied on the loop to the config
        // as it is then, so that a key change queued just before is not undone.
        withTimers(config(), desiredMinTx, requiredMinRx, detectMult);
        return engine.act(this, (s, now) -> engine.table().updateTimers(s,
                withTimers(s.config(), desiredMinTx, requiredMinRx, detectMult), now));
    }

    private static SessionConfig withTimers(SessionConfig c, Duration tx, Duration rx, int mult) {
        return c.toBuilder().desiredMinTx(tx).requiredMinRx(rx).detectMult(mult).build();
    }

    /**
     * Changes the key chain live (RFC 5880 §6.7): every key of {@code next} is accepted from
     * the next packet on, and packets are signed with its send key. No state changes and the
     * sequence numbers carry on, so a rollover (add the new key, move the send key, remove the
     * old key, in that order, with the peer accepting both meanwhile) never takes the session
     * Down. The type must stay the same: throws {@link FieldException} (field
     * {@code auth.type}) for another type, which needs a new session, with nothing changed.
     */
    public CompletableFuture<Void> updateAuth(AuthConfig next) {
        Objects.requireNonNull(next, "auth");
        AuthConfig running = config().auth();
        if (next.type() != running.type()) {
            throw new FieldException("auth.type", "authentication type " + running.type() + " cannot become "
                    + next.type() + " on a live session: remove the session and add it again");
        }
        return engine.act(this, (s, now) -> engine.table().updateAuth(s, next, now));
    }

    /** The session now; blocking (runs on the event loop). */
    public SessionSnapshot snapshot() {
        return engine.snapshot(this);
    }

    /**
     * As {@link BfdEngine#removeSession(SessionKey)}, for this session only: a session that
     * another took the place of is already gone (the future completes at once).
     */
    public CompletableFuture<Void> remove() {
        return engine.removeSession(this);
    }

    @Override
    public String toString() {
        return "BfdSession[" + key + "]";
    }
}
