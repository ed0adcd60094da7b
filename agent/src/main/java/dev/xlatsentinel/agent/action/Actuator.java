package dev.xlatsentinel.agent.action;

/**
 * One thing the router sees of a service, and how to take it away: a native BFD session
 * (held Down with diag Path Down), an FRR bfdd peer (shut down), an FRR route (removed).
 * Calls come from the agent's loop and must not block it; an actuator that talks to a
 * daemon hands the work to its own thread.
 */
public interface Actuator extends AutoCloseable {
    /** What it is, for logs and status: {@code bfd 2001:db8:ff::1 from 2001:db8:ff::a dev eth0}. */
    String describe();

    /** Makes the router withdraw (idempotent). */
    void withdraw(String reason);

    /** Lets the router use it again (idempotent). */
    void release();

    /**
     * True when the router has seen the withdrawal (a native peer no longer says Up), or when
     * there is nothing to wait for (the command that withdraws has been applied).
     */
    boolean withdrawalSeen();

    /** Removes it: the service is gone from the config (a native session says AdminDown). */
    @Override
    void close();
}
