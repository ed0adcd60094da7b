package dev.xlatsentinel.agent.action;

import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;

/**
 * A native BFD session: withdrawn by holding it Down with diagnostic Path Down (RFC 5880
 * §6.8.18): the first Down packet leaves at once, the session keeps sending Down and stays
 * Down, so the router goes Up -> Down -> Init and never back to Up until released.
 */
public final class NativeBfdActuator implements Actuator {
    private final BfdSession session;
    private final String name;
    private volatile java.util.concurrent.CompletableFuture<Void> removal;

    public NativeBfdActuator(BfdSession session) {
        this.session = session;
        this.name = "bfd " + session.key();
    }

    public BfdSession session() {
        return session;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void withdraw(String reason) {
        session.holdDown(Diagnostic.PATH_DOWN);
    }

    @Override
    public void release() {
        session.release();
    }

    @Override
    public boolean withdrawalSeen() {
        SessionSnapshot s = session.snapshot();
        // The peer acknowledged our Down (it is Down or Init), or it is not there at all.
        return s.remote().state() != State.UP || s.remote().discriminator() == 0;
    }

    @Override
    public void close() {
        removal = session.remove();
    }

    /** Completes once the session is gone from the engine (after {@link #close()}). */
    public java.util.concurrent.CompletableFuture<Void> removal() {
        java.util.concurrent.CompletableFuture<Void> r = removal;
        return r == null ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("not closed"))
                : r;
    }
}
