package dev.xlatsentinel.frr;

/**
 * Root of everything this module throws about FRR: a command the daemon rejected, a daemon
 * that cannot be reached or does not answer, or a state of the daemon that forbids a change.
 * One {@code catch (FrrException e)} in the agent covers them all; the subclasses say which.
 */
public abstract class FrrException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected FrrException(String message) {
        super(message);
    }

    protected FrrException(String message, Throwable cause) {
        super(message, cause);
    }
}
