package dev.xlatsentinel.agent.control;

/** A control request failed; the message goes back to the CLI as it is. */
public final class ControlException extends Exception {
    private static final long serialVersionUID = 1L;

    public ControlException(String message) {
        super(message);
    }
}
