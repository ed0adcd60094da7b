package dev.xlatsentinel.translator.jool;

/** Jool's output was not what its source prints: the probe fails with this message. */
public class JoolOutputException extends Exception {
    private static final long serialVersionUID = 1L;

    public JoolOutputException(String message) {
        super(message);
    }
}
