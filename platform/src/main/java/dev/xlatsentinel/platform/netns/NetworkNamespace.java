package dev.xlatsentinel.platform.netns;

import dev.xlatsentinel.platform.libc.Libc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace, entered by one dedicated thread with setns(2) (CLONE_NEWNET).
 *
 * <p>A socket belongs to the namespace it was created in, whichever thread uses it later.
 * So the pattern is: open the socket with {@link #call(Callable)} (on this namespace's
 * thread), then use it from anywhere. setns(2) moves only the calling thread, which is why
 * the thread is dedicated and never returns to a shared pool. Files under
 * {@code /proc/thread-self/net/} read on that thread describe this namespace.
 *
 * <pre>{@code
 * try (NetworkNamespace dp = NetworkNamespace.open("dataplane")) {   // or "/run/netns/dataplane"
 *     DatagramChannel ch = dp.call(DatagramChannel::open).join();
 * }
 * }</pre>
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final Path NETNS_DIR = Path.of("/run/netns");

    private final String name;
    private final Path path;
    private final NamespaceThread thread;

    private NetworkNamespace(String name, Path path, NamespaceThread thread) {
        this.name = name;
        this.path = path;
        this.thread = thread;
    }

    /**
     * The namespace this process runs in: a dedicated thread without setns, so that code
     * treats the host namespace like any other.
     */
    public static NetworkNamespace host() {
        return new NetworkNamespace("host", null, NamespaceThread.start("netns-host", null));
    }

    /**
     * Enters the namespace {@code nameOrPath}: a name from {@code ip netns} (file in
     * /run/netns) or an absolute path to a namespace file (e.g. /proc/PID/ns/net).
     *
     * @throws NamespaceException if the file does not exist or setns(2) fails
     */
    public static NetworkNamespace open(String nameOrPath) {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        Path path = resolve(nameOrPath);
        // /proc/PID/ns/net is a magic link to no real path: do not follow it.
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new NamespaceException("network namespace " + nameOrPath + " does not exist (no " + path + ")");
        }
        String name = nameOrPath.startsWith("/") ? path.toString() : nameOrPath;
        return new NetworkNamespace(name, path, NamespaceThread.start("netns-" + name, path));
    }

    /** {@code /run/netns/NAME} for a bare name, the path itself for an absolute path. */
    public static Path resolve(String nameOrPath) {
        if (nameOrPath.startsWith("/")) {
            return Path.of(nameOrPath);
        }
        if (!nameOrPath.matches("[A-Za-z0-9_.-]{1,64}") || nameOrPath.startsWith(".")) {
            throw new NamespaceException("not a namespace name: '" + nameOrPath + "'");
        }
        return NETNS_DIR.resolve(nameOrPath);
    }

    /**
     * Threads that enter the namespace {@code nameOrPath} before they run anything, for a
     * pool whose every thread must be inside (parallel senders). A thread that cannot enter
     * throws {@link NamespaceException} instead of running its first task.
     */
    public static ThreadFactory threadFactory(String nameOrPath, String threadName) {
        Path path = resolve(nameOrPath);
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                enter(path);
                r.run();
            }, threadName + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static void enter(Path path) {
        Libc c = Libc.INSTANCE;
        int fd = c.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) {
            throw new NamespaceException("cannot open " + path + ": " + Libc.lastError());
        }
        try {
            if (c.setns(fd, Libc.CLONE_NEWNET) != 0) {
                throw new NamespaceException("setns(" + path + ", CLONE_NEWNET) failed: " + Libc.lastError());
            }
        } finally {
            c.close(fd);
        }
    }

    /** The name (from ip netns), the path for a namespace given by path, or "host". */
    public String name() {
        return name;
    }

    /**
     * The namespace's inode number (what {@code ls -i /run/netns/NAME} and
     * {@code readlink /proc/PID/ns/net} show): two namespaces are the same iff their inodes
     * are. Read on this namespace's thread, from the namespace it entered.
     */
    public long inode() {
        return call(() -> inodeOf(Path.of("/proc/thread-self/ns/net"))).join();
    }

    /** The inode of the namespace file {@code path} (a bind mount under /run/netns, or /proc/PID/ns/net). */
    public static long inodeOf(Path path) throws java.io.IOException {
        return ((Number) Files.getAttribute(path, "unix:ino")).longValue();
    }

    /** The namespace file, or null for the host namespace. */
    public Path path() {
        return path;
    }

    public boolean isHost() {
        return path == null;
    }

    /** Runs tasks on this namespace's thread. Keep them short: one thread serves every caller. */
    public Executor executor() {
        return thread;
    }

    /** Runs {@code task} on this namespace's thread (e.g. to open a socket there). */
    public <T> CompletableFuture<T> call(Callable<T> task) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, thread);
    }

    /**
     * The argv prefix that runs a program inside this namespace: nothing for the host,
     * {@code ip netns exec NAME} for a named namespace, {@code nsenter --net=PATH --} otherwise.
     */
    public List<String> commandPrefix() {
        List<String> argv = new ArrayList<>();
        if (path == null) {
            return argv;
        }
        if (path.getParent() != null && path.getParent().equals(NETNS_DIR)) {
            argv.addAll(List.of("ip", "netns", "exec", path.getFileName().toString()));
        } else {
            argv.addAll(List.of("nsenter", "--net=" + path, "--"));
        }
        return argv;
    }

    @Override
    public void close() {
        thread.close();
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
