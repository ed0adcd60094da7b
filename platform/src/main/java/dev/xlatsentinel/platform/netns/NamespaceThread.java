package dev.xlatsentinel.platform.netns;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that first enters a namespace and then runs tasks until closed. Not a pool:
 * a pool could replace a thread that died, and the replacement would run in the wrong
 * namespace.
 */
final class NamespaceThread implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceThread.class);
    private static final Runnable STOP = () -> { };

    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> entered = new CompletableFuture<>();
    private volatile boolean closed;

    private NamespaceThread() {
    }

    /** Starts the thread and waits until it is inside {@code path} (null: stay where we are). */
    static NamespaceThread start(String threadName, Path path) {
        NamespaceThread nt = new NamespaceThread();
        Thread t = new Thread(() -> nt.loop(path), threadName);
        t.setDaemon(true);
        t.start();
        try {
            nt.entered.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof NamespaceException ne ? ne : new NamespaceException("cannot enter " + path + ": " + c, c);
        } catch (InterruptedException e) {
            nt.close();
            Thread.currentThread().interrupt();
            throw new NamespaceException("interrupted entering " + path, e);
        } catch (TimeoutException e) {
            nt.close();
            throw new NamespaceException("entering " + path + " took more than 10 s", e);
        }
        return nt;
    }

    private void loop(Path path) {
        try {
            if (path != null) {
                NetworkNamespace.enter(path);
            }
        } catch (RuntimeException e) {
            closed = true;
            entered.completeExceptionally(e);
            return;
        }
        entered.complete(null);
        while (true) {
            Runnable r;
            try {
                r = tasks.take();
            } catch (InterruptedException e) {
                return;
            }
            if (r == STOP) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                LOG.warn("task in {} failed", Thread.currentThread().getName(), e);
            }
        }
    }

    @Override
    public void execute(Runnable command) {
        if (closed) {
            throw new RejectedExecutionException("namespace thread closed");
        }
        tasks.add(command);
    }

    void close() {
        closed = true;
        tasks.add(STOP);
    }
}
