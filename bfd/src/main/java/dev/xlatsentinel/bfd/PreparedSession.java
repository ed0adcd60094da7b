package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.codec.Diagnostic;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A session whose socket is open and whose settings the engine has accepted, not running
 * yet ({@link BfdEngine#prepareSession}): the first half of an add that can be taken back.
 * Exactly one of {@link #commit} and {@link #abort} may be called.
 */
public final class PreparedSession {
    private final BfdEngine engine;
    private final SessionConfig config;
    private final int ifindex;
    private final Object channel;
    private final BfdSession replacing;
    private final AtomicBoolean used = new AtomicBoolean();

    PreparedSession(BfdEngine engine, SessionConfig config, int ifindex, Object channel, BfdSession replacing) {
        this.engine = engine;
        this.config = config;
        this.ifindex = ifindex;
        this.channel = channel;
        this.replacing = replacing;
    }

    public SessionKey key() {
        return config.key();
    }

    public SessionConfig config() {
        return config;
    }

    /** The session this one takes the place of at commit, or null. */
    public BfdSession replacing() {
        return replacing;
    }

    /**
     * Starts the session, held Down with {@code heldDown} from its first packet (RFC 5880
     * §6.8.18) or not held when null, and drops the session it replaces in the same step: one
     * step queued on the event loop (no I/O). Does not wait: the handle comes back at once,
     * and what is done with it runs after that step.
     */
    public BfdSession commit(Diagnostic heldDown) {
        use();
        return engine.commit(this, heldDown);
    }

    /** Closes the socket; the engine is as it was (receive sockets opened for it stay open). */
    public void abort() {
        use();
        engine.abort(this);
    }

    private void use() {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("prepared session " + config.key() + " was already committed or aborted");
        }
    }

    int ifindex() {
        return ifindex;
    }

    Object channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "PreparedSession[" + config.key() + "]";
    }
}
