package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.transport.Blocking;
import io.netty.channel.EventLoop;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The event loop that runs an engine's sessions, and the lock that guards them.
 *
 * <p>Every event-loop task that touches the sessions (their table, timers, the state changes
 * not yet told) holds the lock; so may a caller on its own thread, for one action, when that
 * overtakes nothing ({@link #tryHere}): then the packet the action implies leaves from the
 * caller's thread with no wake-up of the loop on the way (issue 16, decision to wire).
 * Posted tasks are counted until they start, which is how "overtakes nothing" is known.
 */
final class SessionLoop {
    private final EventLoop loop;
    private final ReentrantLock lock = new ReentrantLock();
    /** Posted tasks that touch the sessions and have not started. */
    private final AtomicInteger queued = new AtomicInteger();

    SessionLoop(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop eventLoop() {
        return loop;
    }

    boolean inLoop() {
        return loop.inEventLoop();
    }

    /** Posts {@code task} to run on the loop holding the lock, behind every task posted before. */
    void post(Runnable task) {
        queued.incrementAndGet();
        try {
            loop.execute(() -> {
                lock.lock();
                try {
                    queued.decrementAndGet();
                    task.run();
                } finally {
                    lock.unlock();
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            throw e;
        }
    }

    /** Runs {@code task} on the loop holding the lock and waits for its result (at once on the loop). */
    <T> T call(Callable<T> task) {
        if (loop.inEventLoop()) {
            lock.lock();
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                lock.unlock();
            }
        }
        return Blocking.call(this::post, task); // posted like any task: counted, holding the lock
    }

    /**
     * On the loop, in a task that did not take the lock (a timer, a read), around its work;
     * {@link #locked} without a lambda, for the per-packet and per-timer paths, which allocate
     * nothing.
     */
    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** On the loop, in a task that did not take the lock: {@code r} holding it. */
    void locked(Runnable r) {
        lock.lock();
        try {
            r.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code task} on the calling thread, holding the lock, when that overtakes nothing:
     * not on the loop, no loop task holds the lock (never waits for one) and no posted task
     * waits. The task returns false when it declines (its session is not there yet). Returns
     * whether it ran and did not decline; the caller posts the work otherwise.
     */
    boolean tryHere(BooleanSupplier task) {
        if (loop.inEventLoop() || !lock.tryLock()) {
            return false;
        }
        try {
            if (queued.get() != 0 || !task.getAsBoolean()) {
                return false;
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Posts {@code task} uncounted: it must take the lock itself, and may run at any time. */
    void execute(Runnable task) {
        loop.execute(task);
    }

    /**
     * {@link #execute}, without waking the loop: {@code task} runs when the loop next wakes
     * for anything else (its next timer at the latest). For the bookkeeping after an action on
     * a caller's thread: a wake-up would give the loop the CPU before the caller's next
     * hold-down on a small machine, and win it the lock.
     */
    void executeLazily(Runnable task) {
        if (loop instanceof io.netty.util.concurrent.SingleThreadEventExecutor e) {
            e.lazyExecute(task);
        } else {
            loop.execute(task);
        }
    }
}
