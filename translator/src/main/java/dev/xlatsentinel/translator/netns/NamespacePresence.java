package dev.xlatsentinel.translator.netns;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.health.Precondition;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The translator's network namespace is still there under its name, and is still the one the
 * agent entered. {@code ip netns delete} removes the name but not the namespace while anything
 * holds it (the translator's process, the agent's own sockets): the probes would go on
 * checking an orphaned namespace, and one created again under the same name is another
 * namespace the agent does not see. Either way the operator took the translator's namespace
 * away: the instance is not to be announced.
 */
public final class NamespacePresence implements Precondition {
    private final String name;
    private final Path file;
    private final long inode;

    /** {@code ns} as entered by name ({@code /run/netns/NAME}). */
    public NamespacePresence(NetworkNamespace ns) {
        this(ns.name(), ns.path(), ns.inode());
    }

    NamespacePresence(String name, Path file, long inode) {
        this.name = name;
        this.file = file;
        this.inode = inode;
    }

    @Override
    public String name() {
        return "namespace " + name;
    }

    /** The name's file (under /run/netns). */
    public Path file() {
        return file;
    }

    @Override
    public String violated() {
        long now;
        try {
            now = NetworkNamespace.inodeOf(file);
        } catch (NoSuchFileException e) {
            return "network namespace " + name + " was deleted (" + file + " is gone); the translator's namespace "
                    + "is being torn down";
        } catch (IOException e) {
            return "cannot check network namespace " + name + ": " + e.getMessage();
        }
        if (now != inode) {
            return "network namespace " + name + " was deleted and created again (inode " + inode + " is now " + now
                    + "): the agent still watches the old one; reload it";
        }
        return null;
    }
}
