package dev.xlatsentinel.lab;

/** A lab step failed: a command exited non-zero, a daemon did not start, a wait timed out. */
public final class LabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
