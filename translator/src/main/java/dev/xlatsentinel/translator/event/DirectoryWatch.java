package dev.xlatsentinel.translator.event;

import dev.xlatsentinel.platform.libc.Libc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Entries of one directory appearing and disappearing, through inotify(7): used for
 * /run/netns, where {@code ip netns add} and {@code ip netns delete} create and remove a
 * namespace's name. Handlers run on the events thread.
 *
 * <pre>
 * struct inotify_event: wd s32 | mask u32 | cookie u32 | len u32 | name[len] (NUL-padded)
 * </pre>
 */
public final class DirectoryWatch implements AutoCloseable {
    private static final Libc C = Libc.INSTANCE;
    private static final int MASK = Libc.IN_CREATE | Libc.IN_DELETE | Libc.IN_MOVED_FROM | Libc.IN_MOVED_TO
            | Libc.IN_DELETE_SELF;
    private static final int EVENT_HEADER = 16;

    private final Path dir;
    private final Map<String, List<Runnable>> byName = new ConcurrentHashMap<>();
    private final KernelEvents.Registration registration;
    private final byte[] buf = new byte[4096];

    private DirectoryWatch(Path dir, int fd, KernelEvents events) {
        this.dir = dir;
        this.registration = events.watch(fd, "inotify on " + dir, (r, revents) -> read(r.fd()));
    }

    /** Watches {@code dir} (which must exist) on {@code events}' thread. */
    public static DirectoryWatch start(KernelEvents events, Path dir) throws IOException {
        int fd = C.inotify_init1(Libc.IN_CLOEXEC | Libc.IN_NONBLOCK);
        if (fd < 0) {
            throw new IOException("inotify_init1: " + Libc.lastError());
        }
        if (C.inotify_add_watch(fd, dir.toString(), MASK) < 0) {
            String err = Libc.lastError();
            C.close(fd);
            throw new IOException("inotify_add_watch(" + dir + "): " + err);
        }
        return new DirectoryWatch(dir, fd, events);
    }

    /**
     * Runs {@code onChange} when an entry called {@code name} is created, deleted or renamed,
     * and when events were lost (the inotify queue overflowed) or the directory itself went.
     */
    public void onChange(String name, Runnable onChange) {
        byName.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(onChange);
    }

    public Path dir() {
        return dir;
    }

    private void read(int fd) {
        while (true) {
            long n = C.read(fd, buf, buf.length);
            if (n <= 0) {
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(buf, 0, (int) n).order(ByteOrder.nativeOrder());
            for (int off = 0; off + EVENT_HEADER <= n; ) {
                int mask = b.getInt(off + 4);
                int len = b.getInt(off + 12);
                if (off + EVENT_HEADER + len > n) {
                    break;
                }
                if ((mask & (Libc.IN_Q_OVERFLOW | Libc.IN_DELETE_SELF | Libc.IN_IGNORED)) != 0) {
                    byName.values().forEach(l -> l.forEach(Runnable::run));
                } else {
                    int z = off + EVENT_HEADER;
                    while (z < off + EVENT_HEADER + len && buf[z] != 0) {
                        z++;
                    }
                    String name = new String(buf, off + EVENT_HEADER, z - off - EVENT_HEADER, StandardCharsets.UTF_8);
                    List<Runnable> handlers = byName.get(name);
                    if (handlers != null) {
                        handlers.forEach(Runnable::run);
                    }
                }
                off += EVENT_HEADER + len;
            }
        }
    }

    @Override
    public void close() {
        registration.close();
    }
}
