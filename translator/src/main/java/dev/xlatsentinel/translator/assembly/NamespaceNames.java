package dev.xlatsentinel.translator.assembly;

import dev.xlatsentinel.translator.event.DirectoryWatch;
import dev.xlatsentinel.translator.event.KernelEvents;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Names of network namespaces in /run/netns appearing and disappearing ({@code ip netns add},
 * {@code ip netns delete}), through the same inotify watch the instances' namespaces use, on
 * an events thread of its own: for the agent's BFD engines, whose sockets stay in the
 * namespace a name named when they were opened.
 */
public final class NamespaceNames implements AutoCloseable {
    private final KernelEvents events;
    private final DirectoryWatch dir;

    private NamespaceNames(KernelEvents events, DirectoryWatch dir) {
        this.events = events;
        this.dir = dir;
    }

    /** Watches {@code dir} (e.g. /run/netns, which must exist) on the thread {@code events-OWNER}. */
    public static NamespaceNames watch(Path dir, String owner) throws IOException {
        KernelEvents k = KernelEvents.start("events-" + owner);
        try {
            return new NamespaceNames(k, DirectoryWatch.start(k, dir));
        } catch (IOException | RuntimeException e) {
            k.close();
            throw e;
        }
    }

    /**
     * Runs {@code onChange} on the events thread when the name is created, deleted or renamed,
     * and when events were lost: a reason to look, never the verdict.
     */
    public void onChange(String name, Runnable onChange) {
        dir.onChange(name, onChange);
    }

    @Override
    public void close() {
        dir.close();
        events.close();
    }
}
