package dev.xlatsentinel.agent.runtime;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a committed reload left to finish, with its state for the reply and for status: a
 * removed session saying AdminDown for one detection time before its socket closes, an old
 * instance's probes stopping, a key change reaching the BFD loop, the old control socket
 * finishing its connections. Nothing after a commit fails silently: a failure is logged
 * once as an error and stays in status until the next reload.
 */
public final class FollowUp {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /** Where it stands. */
    public enum State {
        IN_PROGRESS("in progress"), DONE("done"), FAILED("FAILED");

        private final String word;

        State(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    private final String what;
    private final String doing;
    private volatile State state = State.IN_PROGRESS;
    private volatile String failure;
    private volatile Instant finished;

    private FollowUp(String what, String doing) {
        this.what = what;
        this.doing = doing;
    }

    /**
     * Follows {@code work}: {@code what} is the thing ({@code bfd 2001:db8::1 from ...}),
     * {@code doing} what happens to it meanwhile ({@code AdminDown to the peer, then closed}).
     * {@code clock} gives the finishing time.
     */
    static FollowUp of(String what, String doing, CompletableFuture<?> work, java.util.function.Supplier<Instant> clock) {
        FollowUp f = new FollowUp(what, doing);
        work.whenComplete((ok, e) -> f.finish(e, clock.get()));
        return f;
    }

    /** A step already done (or failed) by the time it is recorded. */
    static FollowUp done(String what, String doing, Throwable failure, Instant at) {
        FollowUp f = new FollowUp(what, doing);
        f.finish(failure, at);
        return f;
    }

    /** Runs {@code step} now on this thread and records how it went. */
    static FollowUp run(String what, String doing, Runnable step, Instant at) {
        try {
            step.run();
            return done(what, doing, null, at);
        } catch (RuntimeException e) {
            return done(what, doing, e, at);
        }
    }

    private void finish(Throwable e, Instant at) {
        if (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        finished = at;
        if (e == null) {
            state = State.DONE;
            return;
        }
        failure = e.getMessage() == null ? e.toString() : e.getMessage();
        state = State.FAILED;
        LOG.error("after the reload: {}: {} FAILED: {}", what, doing, failure);
    }

    public String what() {
        return what;
    }

    public String doing() {
        return doing;
    }

    public State state() {
        return state;
    }

    /** Why it failed, or null. */
    public String failure() {
        return failure;
    }

    /** When it finished, or null while in progress. */
    public Instant finished() {
        return finished;
    }

    @Override
    public String toString() {
        return what + ": " + doing + " " + state.word() + (failure == null ? "" : ": " + failure);
    }
}
