package dev.xlatsentinel.platform.netns;

/** A network namespace could not be found, entered, created or removed. */
public class NamespaceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NamespaceException(String message) {
        super(message);
    }

    public NamespaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
