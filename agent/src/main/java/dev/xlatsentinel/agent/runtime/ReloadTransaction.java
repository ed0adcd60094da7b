package dev.xlatsentinel.agent.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prepare half of a reload, as FRR's northbound does a configuration change: each piece
 * the new config needs (probes, a namespace's BFD engine, a session's socket, a listener) is
 * taken in turn, without touching what runs. When one cannot be taken, everything taken so
 * far is given back in reverse order and the reload is rejected naming the piece and the
 * cause; the running agent never saw any of it. When all are taken, the commit swaps them in
 * ({@link #committed()}: from then on they belong to the running agent).
 *
 * <p>A test hook, unreachable from the config file: the JVM system property
 * {@value #FAULT_PROPERTY} makes the first piece whose name contains its value throw after it
 * was taken (a fault in the middle of prepare, for the lab tests of the rollback).
 */
final class ReloadTransaction {
    static final String FAULT_PROPERTY = "xlat-sentinel.test.prepare-fault";
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /** Builds one piece; may block and may throw. */
    @FunctionalInterface
    interface Build<T> {
        T build() throws Exception;
    }

    private record Taken(String what, Runnable giveBack) {
    }

    private final Deque<Taken> taken = new ArrayDeque<>();
    private final String fault;
    private boolean done;

    ReloadTransaction() {
        this(System.getProperty(FAULT_PROPERTY));
    }

    /** {@code fault}: the test hook's value (null: none). */
    ReloadTransaction(String fault) {
        this.fault = fault == null || fault.isBlank() ? null : fault;
    }

    /**
     * Takes one piece: {@code build} it, and remember {@code giveBack} (nullable: nothing to
     * give back) for an abort. On failure everything taken is given back and the reload is
     * rejected: {@code cannot prepare WHAT: CAUSE}.
     */
    <T> T prepare(String what, Build<T> build, Consumer<T> giveBack) throws ReloadRejected {
        if (done) {
            throw new IllegalStateException("the transaction is over");
        }
        T piece;
        try {
            piece = build.build();
        } catch (Exception e) {
            throw reject(what, reason(e), e);
        }
        if (giveBack != null) {
            taken.push(new Taken(what, () -> giveBack.accept(piece)));
        }
        if (fault != null && what.contains(fault)) {
            throw reject(what, "injected fault (" + FAULT_PROPERTY + "=" + fault + ", a test hook)", null);
        }
        return piece;
    }

    /** Runs a check that takes nothing (a value a running thing must accept). */
    void check(String what, Build<?> check) throws ReloadRejected {
        prepare(what, check, null);
    }

    private ReloadRejected reject(String what, String reason, Exception cause) {
        List<String> failed = abort();
        String message = "cannot prepare " + what + ": " + reason;
        if (!failed.isEmpty()) {
            message += "; and giving back what was prepared failed for " + String.join(", ", failed);
        }
        return new ReloadRejected(message, cause);
    }

    /**
     * Gives back everything taken, newest first; returns what could not be given back (also
     * logged as an error: a socket or thread may be left over, nothing running changed).
     */
    List<String> abort() {
        done = true;
        List<String> failed = new ArrayList<>();
        while (!taken.isEmpty()) {
            Taken t = taken.pop();
            try {
                t.giveBack().run();
            } catch (RuntimeException e) {
                failed.add(t.what() + " (" + reason(e) + ")");
                LOG.error("reload aborted: giving back {} failed", t.what(), e);
            }
        }
        return failed;
    }

    /** The commit took everything over: nothing is given back any more. */
    void committed() {
        done = true;
        taken.clear();
    }

    /** How many pieces are held (for tests). */
    int held() {
        return taken.size();
    }

    static String reason(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
