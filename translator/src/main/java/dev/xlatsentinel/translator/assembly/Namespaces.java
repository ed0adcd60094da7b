package dev.xlatsentinel.translator.assembly;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.sched.RealtimeThreads;
import dev.xlatsentinel.translator.event.DirectoryWatch;
import dev.xlatsentinel.translator.event.KernelEvents;
import dev.xlatsentinel.translator.host.Rtnetlink;
import dev.xlatsentinel.translator.host.RtnetlinkMonitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens each namespace (and its netlink sockets) once, however many probes use it, and the
 * events thread when a probe is watched.
 *
 * <p>The threads it starts are on the way from a fault to the wire, and are raised by
 * {@code realtime}: the events thread decides on kernel events, and a namespace's thread runs
 * a route probe's look after a route or link event and the namespace-side checks whose answer
 * can complete a round (tayga, route, interface).
 */
final class Namespaces implements AutoCloseable {
    private final String owner;
    private final RealtimeThreads realtime;
    private final Map<String, NetworkNamespace> open = new LinkedHashMap<>();
    private final Map<String, Rtnetlink> netlink = new LinkedHashMap<>();
    private final Map<String, RtnetlinkMonitor> monitors = new LinkedHashMap<>();
    private KernelEvents events;
    private final Map<java.nio.file.Path, DirectoryWatch> directories = new LinkedHashMap<>();

    /** {@code owner} names the events thread ({@code events-OWNER}); {@code realtime} raises the threads. */
    Namespaces(String owner, RealtimeThreads realtime) {
        this.owner = owner;
        this.realtime = realtime;
    }

    /** What raises the threads on the way from a fault to the wire (ICMP receivers too). */
    RealtimeThreads realtime() {
        return realtime;
    }

    /** The events thread, started on first use. */
    synchronized KernelEvents events() {
        if (events == null) {
            try {
                events = KernelEvents.start("events-" + owner, realtime);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return events;
    }

    /**
     * An inotify watch of {@code dir} (e.g. /run/netns), started on first use; null (and
     * logged) when it cannot be: the rounds still check.
     */
    synchronized DirectoryWatch directoryWatch(java.nio.file.Path dir) {
        KernelEvents k = events();
        return directories.computeIfAbsent(dir, d -> {
            try {
                return DirectoryWatch.start(k, d);
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(Namespaces.class).warn("no events for {}: {}; checked every round",
                        d, e.getMessage());
                return null;
            }
        });
    }

    /** The rtnetlink event socket of namespace {@code nameOrPath} (null: the host's), opened on first use. */
    synchronized RtnetlinkMonitor monitor(String nameOrPath) {
        String key = nameOrPath == null ? HOST : nameOrPath;
        NetworkNamespace ns = get(nameOrPath);
        KernelEvents k = events();
        return monitors.computeIfAbsent(key, n -> {
            try {
                return RtnetlinkMonitor.open(ns, k);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
    private static final String HOST = "";

    /** The namespace {@code nameOrPath}, or the host's for null. */
    synchronized NetworkNamespace get(String nameOrPath) {
        String key = nameOrPath == null ? HOST : nameOrPath;
        return open.computeIfAbsent(key, k -> {
            NetworkNamespace ns = k.equals(HOST) ? NetworkNamespace.host() : NetworkNamespace.open(k);
            if (realtime.priority() > 0) {
                // One thread per namespace that never changes: raising it once, from inside, is enough.
                ns.executor().execute(realtime::raiseCurrentThread);
            }
            return ns;
        });
    }

    synchronized Rtnetlink rtnetlink(String nameOrPath) {
        String key = nameOrPath == null ? HOST : nameOrPath;
        NetworkNamespace ns = get(nameOrPath);
        return netlink.computeIfAbsent(key, k -> {
            try {
                return Rtnetlink.open(ns);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public synchronized void close() {
        List<AutoCloseable> all = new ArrayList<>(monitors.values());
        all.addAll(directories.values());
        if (events != null) {
            all.add(events);
        }
        all.addAll(netlink.values());
        all.addAll(open.values());
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                // closing: nothing left to do with the error
            }
        }
        monitors.clear();
        directories.clear();
        events = null;
        netlink.clear();
        open.clear();
    }
}
