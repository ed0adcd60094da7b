package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.assembly.NamespaceNames;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names of the namespaces BFD engines entered, watched in /run/netns with the translator's
 * inotify watch ({@link NamespaceNames}, on an events thread of its own): {@code ip netns delete}
 * and {@code ip netns add} of such a name run {@code onChange}, which only asks the agent to
 * look ({@link #lost}); the agent also looks on its own every maintenance poll, so a missed
 * event costs at most that long.
 *
 * <p>A socket stays in the namespace it was opened in: once the name is deleted, an engine's
 * sockets are in an orphaned namespace nobody can enter by name (kept alive by the agent's own
 * references), and a namespace created again under the name is another one they are not in.
 */
final class NamespaceWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Path NETNS = Path.of("/run/netns");

    /**
     * A BFD engine's namespace that its name no longer names: deleted ({@code createdAgain}
     * false) or deleted and created again. {@code why} is what status shows beside its sessions.
     */
    record Lost(String namespace, boolean createdAgain, String why) {
    }

    private final Runnable onChange;
    private final Set<String> watched = new HashSet<>();
    private NamespaceNames dir;
    private boolean failed;

    NamespaceWatch(Runnable onChange) {
        this.onChange = onChange;
    }

    /**
     * Where the engine that entered {@code name} (then {@code entered}, its inode) stands now:
     * null while the name still names that namespace.
     */
    static Lost lost(String name, Path file, long entered) {
        long now;
        try {
            now = NetworkNamespace.inodeOf(file);
        } catch (NoSuchFileException e) {
            return new Lost(name, false, "namespace " + name + " was deleted; its sockets are gone with it (in the"
                    + " orphaned namespace) until it is created again");
        } catch (IOException e) {
            return null; // cannot tell: the next look tells
        }
        return now == entered ? null : new Lost(name, true, "namespace " + name + " was created again; its sockets"
                + " are still in the old one until the session is rebuilt there");
    }

    /** Watches {@code name} (an ip netns name; a path is not looked up again by name). */
    synchronized void watch(String name) {
        if (name == null || name.startsWith("/") || !watched.add(name) || failed) {
            return;
        }
        try {
            if (dir == null) {
                dir = NamespaceNames.watch(NETNS, "bfd");
            }
            dir.onChange(name, onChange);
        } catch (IOException | RuntimeException e) {
            failed = true;
            LOG.warn("no inotify events for {}: {}; BFD namespaces are checked every maintenance poll", NETNS,
                    e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (dir != null) {
            dir.close();
        }
    }
}
