package dev.xlatsentinel.bfd;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine's state changes on their way to the listener thread, which logs them (within a
 * budget, see {@link StateChangeLog}) and calls the listeners: the event loop never waits for
 * a log appender (a blocked stdout or journal would delay packets and time out peers).
 * Listeners should be quick: changes queue for them without bound.
 *
 * <p>Changes are handed over once the task that made them has ended, not in the middle of
 * it: waking the listener thread is a context switch, and on a small machine the woken
 * thread can take the CPU before the packet the change sends has left (a hold-down's Down is
 * sent in the same task, after its state change; issue 16). A change made on a caller's
 * thread ({@link SessionLoop#tryHere}) is handed over by the task the engine posts after it.
 * Guarded by the {@link SessionLoop}'s lock.
 */
final class ListenerHandOver {
    private static final Logger LOG = LoggerFactory.getLogger(BfdEngine.class);

    private final Executor listenerExecutor;
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final StateChangeLog changeLog = new StateChangeLog();
    private final List<StateChange> unpublished = new ArrayList<>();
    private SessionLoop loop;

    ListenerHandOver(Executor listenerExecutor) {
        this.listenerExecutor = listenerExecutor;
    }

    /** Once the engine has picked its loop. */
    void loop(SessionLoop l) {
        this.loop = l;
    }

    void add(SessionListener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    void remove(SessionListener l) {
        listeners.remove(l);
    }

    /** Holding the lock: a change to tell once the task that made it ends. */
    void publish(StateChange change) {
        if (unpublished.isEmpty() && loop.inLoop()) {
            try {
                loop.execute(() -> loop.locked(this::handOver)); // on the loop itself: no wake-up
            } catch (RejectedExecutionException e) {
                unpublished.add(change);
                handOver(); // the loop is shutting down: hand it over now
                return;
            }
        }
        unpublished.add(change);
    }

    /** An authentication failure, logged on the listener thread like state changes. */
    void authFailure(AuthFailureNotice n) {
        listenerExecutor.execute(() -> changeLog.log(n, System.nanoTime()));
    }

    /** Holding the lock: the changes of the tasks that ran since the last hand-over, in order. */
    void handOver() {
        if (unpublished.isEmpty()) {
            return;
        }
        List<StateChange> batch = List.copyOf(unpublished);
        unpublished.clear();
        try {
            listenerExecutor.execute(() -> {
                for (StateChange change : batch) {
                    changeLog.log(change, System.nanoTime());
                    for (SessionListener l : listeners) {
                        try {
                            l.stateChanged(change);
                        } catch (RuntimeException e) {
                            LOG.warn("BFD listener {} failed on {}", l, change, e);
                        }
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("BFD listeners stopped: {} state change(s) not told", batch.size());
        }
    }
}
