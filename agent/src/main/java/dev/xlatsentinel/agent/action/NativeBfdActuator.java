package dev.xlatsentinel.agent.action;

import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.PreparedSession;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A native BFD session: withdrawn by holding it Down with diagnostic Path Down (RFC 5880
 * §6.8.18): the first Down packet leaves at once, the session keeps sending Down and stays
 * Down, so the router goes Up -> Down -> Init and never back to Up until released.
 */
public final class NativeBfdActuator implements Actuator {
    private final BfdSession session;
    private final String namespace;
    private final String name;
    private volatile Standing standing;
    private volatile CompletableFuture<Void> removal;

    private NativeBfdActuator(BfdSession session, String namespace, Standing standing) {
        this.session = session;
        this.namespace = namespace;
        this.name = "bfd " + session.key();
        this.standing = standing;
    }

    /**
     * Opens everything the session needs in {@code engine} (its namespace's engine) without
     * starting it: interface, local address, socket options (see
     * {@link BfdEngine#prepareSession}). {@code replacing} (nullable) is the running session it
     * takes the place of at commit, in one step: the old one runs until then.
     *
     * @throws dev.xlatsentinel.platform.config.FieldException naming what cannot be used
     */
    public static PreparedActuator prepare(BfdEngine engine, SessionConfig config, String namespace,
            NativeBfdActuator replacing) {
        PreparedSession p = engine.prepareSession(config, replacing == null ? null : replacing.session);
        return new PreparedActuator() {
            @Override
            public String describe() {
                return "bfd " + config.key();
            }

            @Override
            public Actuator commit(boolean withdrawn, String reason) {
                // Held down from its first packet: a new session never brings the route up unproven.
                BfdSession s = p.commit(withdrawn ? Diagnostic.PATH_DOWN : null);
                if (replacing != null) {
                    replacing.standing = Standing.REMOVED;
                    replacing.removal = CompletableFuture.completedFuture(null);
                }
                return new NativeBfdActuator(s, namespace, withdrawn ? Standing.WITHDRAWN : Standing.RELEASED);
            }

            @Override
            public void abort() {
                p.abort();
            }
        };
    }

    public BfdSession session() {
        return session;
    }

    /** The network namespace of its sockets (null: the agent's own). */
    public String namespace() {
        return namespace;
    }

    @Override
    public String describe() {
        return name;
    }

    /**
     * Any thread: the hold-down is sent from the calling thread when the engine is idle, else
     * posted to its event loop; either way behind every earlier action.
     */
    @Override
    public boolean withdrawsFromAnyThread() {
        return true;
    }

    @Override
    public void withdraw(String reason) {
        withdrawFromAnyThread(reason);
    }

    /**
     * Completes once the first Down has been sent: before this returns when the BFD engine was
     * idle (sent from this thread), else on its event loop.
     */
    @Override
    public CompletableFuture<Void> withdrawFromAnyThread(String reason) {
        standing = Standing.WITHDRAWN;
        return session.holdDown(Diagnostic.PATH_DOWN);
    }

    @Override
    public void release() {
        standing = Standing.RELEASED;
        session.release();
    }

    @Override
    public Standing standing() {
        return standing;
    }

    @Override
    public boolean withdrawalSeen() {
        SessionSnapshot s = session.snapshot();
        // The peer acknowledged our Down (it is Down or Init), or it is not there at all.
        return s.remote().state() != State.UP || s.remote().discriminator() == 0;
    }

    /**
     * Applies what a running session can take (RFC 5880 §6.8.3 timers through a Poll, §6.7
     * keys of the same type): no new session, no state change. The future fails if the
     * session refused it.
     */
    public CompletableFuture<Void> update(SessionConfig next) {
        SessionConfig running = session.config();
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        if (!sameTimers(running, next)) {
            steps.add(session.updateTimers(Duration.ofNanos(next.desiredMinTxMicros() * 1000),
                    Duration.ofNanos(next.requiredMinRxMicros() * 1000), next.detectMult()));
        }
        if (!running.auth().equals(next.auth())) {
            steps.add(session.updateAuth(next.auth()));
        }
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    public static boolean sameTimers(SessionConfig a, SessionConfig b) {
        return a.desiredMinTxMicros() == b.desiredMinTxMicros() && a.requiredMinRxMicros() == b.requiredMinRxMicros()
                && a.detectMult() == b.detectMult();
    }

    /** AdminDown at once and for one detection time of the peer, then the socket closes (RFC 5880 §6.8.16). */
    @Override
    public CompletableFuture<Void> remove() {
        CompletableFuture<Void> r = removal;
        if (r == null) {
            standing = Standing.REMOVED;
            r = session.remove();
            removal = r;
        }
        return r;
    }
}
