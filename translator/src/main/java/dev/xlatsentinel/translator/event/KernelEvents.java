package dev.xlatsentinel.translator.event;

import dev.xlatsentinel.platform.libc.Libc;
import dev.xlatsentinel.platform.sched.RealtimeThreads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that waits in poll(2) for the kernel to say something: a process exited (a
 * pidfd became readable), a netlink socket has link, address or route messages, a
 * directory changed (inotify). Handlers run on this thread as soon as the kernel wakes it,
 * without waiting for a probe round; keep them short (they read the fd and decide).
 *
 * <p>File descriptors are registered with {@link #watch} and closed only through
 * {@link Registration#close()}, which closes them on this thread: an fd closed elsewhere
 * while poll(2) watches it could be reused by another open(2) and read here by mistake.
 */
public final class KernelEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelEvents.class);
    private static final Libc C = Libc.INSTANCE;
    private static final int POLLFD = 8;

    /** What runs when an fd is readable (or in error: {@code revents} says which). */
    @FunctionalInterface
    public interface Ready {
        void ready(Registration registration, int revents);
    }

    /** A watched fd; closing it stops the watch and closes the fd, on the events thread. */
    public final class Registration implements AutoCloseable {
        private final int fd;
        private final String what;
        private final Ready handler;
        private volatile boolean closed;
        private final Runnable removal;

        private Registration(int fd, String what, Ready handler) {
            this.fd = fd;
            this.what = what;
            this.handler = handler;
            // Made here, not in close(): a pidfd's registration closes on the process's exit,
            // before the exit is reported, and a lambda's class is made the first time its line
            // runs (docs/failover.md "The first fault").
            this.removal = () -> {
                active.remove(this);
                C.close(fd);
            };
        }

        /** The fd, for reading it inside the handler. */
        public int fd() {
            return fd;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                changes.add(removal);
                wake();
            }
        }

        @Override
        public String toString() {
            return what + " (fd " + fd + ")";
        }
    }

    private final int wakeFd;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> changes = new ConcurrentLinkedQueue<>();
    /** Owned by the events thread. */
    private final List<Registration> active = new ArrayList<>();
    private final byte[] counter = new byte[8];
    private volatile boolean closed;

    private KernelEvents(int wakeFd, String name, RealtimeThreads realtime) {
        this.wakeFd = wakeFd;
        this.thread = new Thread(() -> {
            realtime.raiseCurrentThread();
            loop();
        }, name);
        thread.setDaemon(true);
        // An event that withdraws a route must not wait behind probe work.
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    /** Starts the events thread called {@code name}, at normal scheduling. */
    public static KernelEvents start(String name) throws IOException {
        return start(name, RealtimeThreads.OFF);
    }

    /**
     * Starts the events thread called {@code name}, raised by {@code realtime} (it decides a
     * DOWN as soon as the kernel tells; {@link RealtimeThreads#OFF} for normal scheduling).
     */
    public static KernelEvents start(String name, RealtimeThreads realtime) throws IOException {
        int fd = C.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0) {
            throw new IOException("eventfd: " + Libc.lastError());
        }
        KernelEvents k = new KernelEvents(fd, name, realtime);
        k.thread.start();
        return k;
    }

    /**
     * Watches {@code fd} (which this object now owns: it closes it) and runs {@code handler}
     * on the events thread each time it is readable. {@code what} names it in logs.
     */
    public Registration watch(int fd, String what, Ready handler) {
        Objects.requireNonNull(handler, "handler");
        Registration r = new Registration(fd, what, handler);
        if (closed) {
            C.close(fd);
            r.closed = true;
            return r;
        }
        changes.add(() -> active.add(r));
        wake();
        return r;
    }

    /** Runs {@code task} on the events thread (after the changes queued before it). */
    public void execute(Runnable task) {
        changes.add(task);
        wake();
    }

    /** True on the events thread. */
    public boolean inEventsThread() {
        return Thread.currentThread() == thread;
    }

    private void wake() {
        ByteBuffer.wrap(counter).order(ByteOrder.nativeOrder()).putLong(0, 1);
        C.write(wakeFd, counter, 8);
    }

    private void loop() {
        byte[] fds = new byte[0];
        List<Registration> polled = new ArrayList<>();
        byte[] drain = new byte[8];
        while (!closed) {
            boolean changed = false;
            for (Runnable r; (r = changes.poll()) != null; ) {
                changed = true;
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("kernel events task failed", e);
                }
            }
            if (changed || fds.length == 0) {
                polled = new ArrayList<>(active);
                fds = new byte[POLLFD * (polled.size() + 1)];
                ByteBuffer b = ByteBuffer.wrap(fds).order(ByteOrder.nativeOrder());
                b.putInt(0, wakeFd).putShort(4, Libc.POLLIN);
                for (int i = 0; i < polled.size(); i++) {
                    b.putInt(POLLFD * (i + 1), polled.get(i).fd).putShort(POLLFD * (i + 1) + 4, Libc.POLLIN);
                }
            } else {
                ByteBuffer b = ByteBuffer.wrap(fds).order(ByteOrder.nativeOrder());
                for (int i = 0; i <= polled.size(); i++) {
                    b.putShort(POLLFD * i + 6, (short) 0);
                }
            }
            int n = C.poll(fds, polled.size() + 1L, -1);
            if (n < 0) {
                if (Libc.lastErrno() != Libc.EINTR) {
                    LOG.error("poll on kernel events failed: {}; events stop, probes go on", Libc.lastError());
                    return;
                }
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(fds).order(ByteOrder.nativeOrder());
            if (b.getShort(6) != 0) {
                C.read(wakeFd, drain, 8);
            }
            for (int i = 0; i < polled.size(); i++) {
                int revents = b.getShort(POLLFD * (i + 1) + 6) & 0xffff;
                Registration r = polled.get(i);
                if (revents == 0 || r.closed) {
                    continue;
                }
                if ((revents & Libc.POLLNVAL) != 0) {
                    LOG.warn("{} is no longer a valid fd; not watched any more", r);
                    active.remove(r);
                    changes.add(() -> { });
                    continue;
                }
                try {
                    r.handler.ready(r, revents);
                } catch (RuntimeException e) {
                    LOG.warn("handler of {} failed", r, e);
                }
            }
        }
    }

    /** Stops the thread and closes every fd still watched. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        wake();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            for (Runnable r; (r = changes.poll()) != null; ) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    // closing
                }
            }
            active.forEach(r -> C.close(r.fd));
            active.clear();
            C.close(wakeFd);
        }
    }
}
