package dev.xlatsentinel.agent.action;

import java.util.concurrent.CompletableFuture;

/**
 * One thing the router sees of a service, and how to take it away: a native BFD session
 * (held Down with diag Path Down), an FRR bfdd peer (shut down), an FRR route (removed).
 * Calls come from the agent's loop and never block it; an actuator that talks to a daemon
 * hands the work to its own thread, a BFD session to the BFD event loop. The one exception:
 * {@link #withdraw} of an actuator that {@link #withdrawsFromAnyThread()}.
 *
 * <p>An actuator is made live by a {@link PreparedActuator} (a reload's commit), told to
 * withdraw or release as the service's verdicts change, and removed when the config no
 * longer has it.
 */
public interface Actuator {
    /** What it is, for logs and status: {@code bfd 2001:db8:ff::1 from 2001:db8:ff::a dev eth0}. */
    String describe();

    /** Makes the router withdraw (idempotent). */
    void withdraw(String reason);

    /**
     * True when {@link #withdraw} may be called from any thread, not only the agent loop, and
     * returns at once: then the thread that decided an instance DOWN withdraws it itself,
     * ahead of the loop (a native session's hold-down is posted to its BFD event loop).
     */
    default boolean withdrawsFromAnyThread() {
        return false;
    }

    /** Lets the router use it again (idempotent). */
    void release();

    /**
     * True when the router has seen the withdrawal (a native peer no longer says Up), or when
     * there is nothing to wait for (the command that withdraws has been applied).
     */
    boolean withdrawalSeen();

    /**
     * What the agent last told the router through it, without asking anyone: the half of the
     * status invariant that is free to check after every decision.
     */
    Standing standing();

    /**
     * Removes it (the service, or this part of it, is gone from the config): a native session
     * says AdminDown for one detection time of the peer, an FRR peer is deleted. Returns at
     * once; the future completes when it is gone, or fails saying why it is not.
     */
    CompletableFuture<Void> remove();

    /** What an actuator tells the router. */
    enum Standing {
        /** Released: the router may use the service through it. */
        RELEASED,
        /** Withdrawn: held Down, shut down, route removed. */
        WITHDRAWN,
        /** Removed from the config (retiring or gone). */
        REMOVED
    }
}
