package dev.xlatsentinel.frr.config;

import dev.xlatsentinel.frr.FrrException;
import dev.xlatsentinel.frr.vty.CommandRejected;
import dev.xlatsentinel.frr.vty.VtyClient;
import dev.xlatsentinel.frr.vty.VtySession;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Desired configuration of keyed items in one daemon (bfdd peers, static routes, BGP
 * networks), applied idempotently and all-or-nothing:
 * <ul>
 * <li>An item whose desired value was applied on the current connection is not touched
 * again: applying the same state twice sends nothing the second time.</li>
 * <li>Otherwise the daemon's running config is read (one round trip), compared with the
 * desired value, and only the difference is sent, in one configure block.</li>
 * <li>When FRR rejects a line of the block, the running config is read again and the item is
 * put back as it was before the block (a new item is deleted, changed values restored), then
 * the rejection is thrown with FRR's message; the rejected value is not kept as desired.</li>
 * <li>When the daemon is unreachable the desired value is kept and applied at the next
 * connection ({@link #restoreAll}), which is also what re-applies everything after a daemon
 * restart.</li>
 * </ul>
 *
 * @param <K> what identifies an item
 * @param <S> an item's configuration; {@code Optional.empty()} as desired value means "absent"
 */
public final class DesiredState<K, S> {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredState.class);

    /** How one kind of item is read from and written to the daemon. */
    public interface Model<K, S> {
        /** Reads the running config (one round trip) and returns a lookup of the items in it. */
        Function<K, Optional<S>> read(VtySession session);

        /**
         * The configure-mode lines that turn {@code actual} into {@code desired}; empty when
         * they already agree.
         */
        List<String> plan(K key, Optional<S> actual, Optional<S> desired);
    }

    /** What one call did. */
    public enum Outcome {
        /** The daemon already had it; at most the running config was read. */
        UNCHANGED,
        /** Configuration lines were sent and accepted. */
        CHANGED
    }

    private record Applied<S>(long generation, Optional<S> value) {
    }

    private final String what;
    private final Model<K, S> model;
    private final Map<K, Optional<S>> desired = new ConcurrentHashMap<>();
    private final Map<K, Applied<S>> applied = new ConcurrentHashMap<>();

    /** @param what names the items in logs, e.g. "bfdd peer" */
    public DesiredState(String what, Model<K, S> model) {
        this.what = what;
        this.model = model;
    }

    /**
     * Makes the daemon hold {@code want} for {@code key} (empty: not at all).
     *
     * @throws CommandRejected          FRR refused a line; the item was restored as it was
     * @throws ConfigConflictException  the daemon's state forbids it; nothing was sent
     * @throws dev.xlatsentinel.frr.vty.VtyUnreachableException not applied now; kept and applied on reconnect
     */
    public Outcome ensure(VtyClient client, K key, Optional<S> want) {
        Optional<S> previous = desired.put(key, want);
        Applied<S> done = applied.get(key);
        if (done != null && done.value().equals(want) && done.generation() == client.generation()) {
            return Outcome.UNCHANGED;
        }
        try {
            return client.call(s -> apply(s, key, want, model.read(s)));
        } catch (CommandRejected | ConfigConflictException e) {
            if (previous == null) {
                desired.remove(key, want);
            } else {
                desired.replace(key, want, previous);
            }
            throw e;
        }
    }

    /** Forgets an item: it is no longer re-applied (the daemon keeps what it has). */
    public void forget(K key) {
        desired.remove(key);
        applied.remove(key);
    }

    /** Desired values by key (empty Optional: to be absent). */
    public Map<K, Optional<S>> desired() {
        return Map.copyOf(desired);
    }

    /** The desired value of {@code key}, if one was set. */
    public Optional<Optional<S>> desired(K key) {
        return Optional.ofNullable(desired.get(key));
    }

    /**
     * Re-applies every desired item on a (new) connection: after a daemon restart, or to repair
     * drift. Items FRR rejects are logged and restored, the others still applied.
     */
    public void restoreAll(VtySession session) {
        applied.clear();
        if (desired.isEmpty()) {
            return;
        }
        Function<K, Optional<S>> actual = model.read(session);
        int changed = 0;
        for (Map.Entry<K, Optional<S>> e : desired.entrySet()) {
            try {
                if (apply(session, e.getKey(), e.getValue(), actual) == Outcome.CHANGED) {
                    changed++;
                }
            } catch (CommandRejected | ConfigConflictException ex) {
                LOG.error("{} {}: desired state could not be restored: {}", what, e.getKey(), ex.getMessage());
            }
        }
        LOG.info("{}: {} desired item(s) checked, {} re-applied", what, desired.size(), changed);
    }

    private Outcome apply(VtySession s, K key, Optional<S> want, Function<K, Optional<S>> actual) {
        Optional<S> before = actual.apply(key);
        List<String> plan = model.plan(key, before, want);
        if (!plan.isEmpty()) {
            try {
                s.configure(plan);
            } catch (CommandRejected e) {
                rollback(s, key, before, e);
                throw e;
            }
            LOG.info("{} {}: applied {}", what, key, plan);
        }
        applied.put(key, new Applied<>(s.generation(), want));
        return plan.isEmpty() ? Outcome.UNCHANGED : Outcome.CHANGED;
    }

    /** Puts {@code key} back to {@code before}, judged against a fresh read of the running config. */
    private void rollback(VtySession s, K key, Optional<S> before, CommandRejected cause) {
        applied.remove(key);
        try {
            List<String> undo = model.plan(key, model.read(s).apply(key), before);
            if (!undo.isEmpty()) {
                s.configure(undo);
            }
            LOG.warn("{} {}: FRR rejected '{}' ({}); rolled back with {}", what, key, cause.command(),
                    cause.frrMessage(), undo);
        } catch (FrrException e) {
            cause.addSuppressed(e);
            LOG.error("{} {}: rollback after '{}' failed, the daemon may hold a partial change: {}", what, key,
                    cause.command(), e.getMessage());
        }
    }
}
