package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.session.Session;
import dev.xlatsentinel.platform.config.FieldException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A handle on one session of a {@link BfdEngine}. Actions run on the engine's event loop;
 * each returns a future that completes once applied (the packet it implies has been sent).
 */
public final class BfdSession {
    private final BfdEngine engine;
    private final SessionKey key;
    private final Session session;

    BfdSession(BfdEngine engine, SessionKey key, Session session) {
        this.engine = engine;
        this.key = key;
        this.session = session;
    }

    public SessionKey key() {
        return key;
    }

    /** The session's configuration now (timers as last changed by {@link #updateTimers}). */
    public SessionConfig config() {
        return session.config();
    }

    /**
     * RFC 5880 §6.8.18: go Down with {@code diag} (Path Down for a failed translator), send
     * the Down packet at once, keep sending Down and stay Down until {@link #release()}. The
     * peer goes Down, then Init, and never Up meanwhile.
     */
    public CompletableFuture<Void> holdDown(Diagnostic diag) {
        Objects.requireNonNull(diag, "diag");
        if (diag == Diagnostic.RESERVED || diag == Diagnostic.NONE) {
            throw new FieldException("diag", "hold-down needs a diagnostic that says why, got " + diag);
        }
        return engine.act(session, now -> engine.table().holdDown(session, diag, now));
    }

    /** Ends a hold-down; the session comes Up again through the normal handshake. */
    public CompletableFuture<Void> release() {
        return engine.act(session, now -> engine.table().release(session, now));
    }

    /** Operator shutdown (RFC 5880 §6.8.16): AdminDown with diagnostic 7. */
    public CompletableFuture<Void> adminDown() {
        return engine.act(session, now -> engine.table().adminDown(session, now));
    }

    /** Ends an operator shutdown: Down, then the normal handshake. */
    public CompletableFuture<Void> adminUp() {
        return engine.act(session, now -> engine.table().adminUp(session, now));
    }

    /**
     * Changes the timers live: when Up, a Poll Sequence announces them and they apply under
     * the rules of RFC 5880 §6.8.3, without a flap. Throws {@link FieldException}
     * for bad values, with nothing changed.
     */
    public CompletableFuture<Void> updateTimers(Duration desiredMinTx, Duration requiredMinRx, int detectMult) {
        SessionConfig next = session.config().toBuilder().desiredMinTx(desiredMinTx).requiredMinRx(requiredMinRx)
                .detectMult(detectMult).build();
        return engine.act(session, now -> engine.table().updateTimers(session, next, now));
    }

    /** The session now; blocking (runs on the event loop). */
    public SessionSnapshot snapshot() {
        return engine.snapshot(session);
    }

    /** Same as {@link BfdEngine#removeSession(SessionKey)}. */
    public CompletableFuture<Void> remove() {
        return engine.removeSession(key);
    }

    @Override
    public String toString() {
        return "BfdSession[" + key + "]";
    }
}
