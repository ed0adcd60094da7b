package dev.xlatsentinel.platform.time;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real clock, with one timer thread. */
public final class SystemScheduler extends SystemClock implements Scheduler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemScheduler.class);
    private final ScheduledThreadPoolExecutor executor;

    public SystemScheduler(String threadName) {
        this(threadName, () -> { });
    }

    /**
     * With {@code onStart} run first on the timer thread, before any task (e.g. to raise its
     * scheduling priority); again on a replacement, should a task's Error end the thread.
     */
    public SystemScheduler(String threadName, Runnable onStart) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(() -> {
                onStart.run();
                r.run();
            }, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("scheduled task failed", e);
            }
        };
        ScheduledFuture<?> f = executor.schedule(guarded, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
