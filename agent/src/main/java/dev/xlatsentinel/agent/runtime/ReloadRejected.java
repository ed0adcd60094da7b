package dev.xlatsentinel.agent.runtime;

/**
 * A reload that changed nothing: its file has errors, or something it needs could not be
 * prepared (the message names what and why), and everything prepared for it was given back.
 */
public final class ReloadRejected extends Exception {
    public ReloadRejected(String message) {
        super(message);
    }

    public ReloadRejected(String message, Throwable cause) {
        super(message, cause);
    }
}
