package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.BfdEngineBuilder;
import dev.xlatsentinel.bfd.SessionListener;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

/**
 * One BFD engine per network namespace the services use (sockets belong to the namespace
 * they were opened in), all on one epoll event-loop thread: timers and I/O of every session
 * run there and nowhere else.
 */
final class BfdEngines implements AutoCloseable {
    /** Key of the agent's own namespace. */
    static final String OWN = "";

    private final IoEventLoopGroup group;
    private final SessionListener listener;
    /** SCHED_FIFO priority of the shared event loop (0: normal), applied by the first engine. */
    private final int realtimePriority;
    private final Map<String, BfdEngine> engines = new LinkedHashMap<>();
    private final Map<String, NetworkNamespace> namespaces = new LinkedHashMap<>();
    /**
     * Engines whose namespace was created again under its name, replaced by an engine in the
     * new one: they run their sessions until a commit moves each to the new engine, then close.
     */
    private final java.util.List<Old> old = new java.util.ArrayList<>();
    private final NamespaceWatch watch;

    BfdEngines(SessionListener listener, int realtimePriority) {
        this(listener, realtimePriority, () -> { });
    }

    /** {@code onNamespaceChange}: a namespace an engine entered by name was deleted or created (any thread). */
    BfdEngines(SessionListener listener, int realtimePriority, Runnable onNamespaceChange) {
        this.watch = new NamespaceWatch(onNamespaceChange);
        this.listener = listener;
        this.realtimePriority = realtimePriority;
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "bfd-loop");
            t.setDaemon(true);
            // BFD at 10 ms must not wait behind probes or logging.
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        };
        this.group = new MultiThreadIoEventLoopGroup(1, tf, EpollIoHandler.newFactory());
    }

    /** The event loop every engine runs on (for the watchdog's heartbeat). */
    IoEventLoopGroup group() {
        return group;
    }

    /**
     * The engine for {@code namespace} (null: our own), started on first use, and started anew
     * in the namespace its name names now when that was created again (the old engine runs on
     * until its sessions are moved: {@link #closeOld}).
     */
    synchronized BfdEngine engine(String namespace) {
        String key = namespace == null ? OWN : namespace;
        BfdEngine e = engines.get(key);
        if (e != null && createdAgain(key)) {
            old.add(new Old(key, engines.remove(key), namespaces.remove(key)));
            e = null;
        }
        if (e == null) {
            BfdEngineBuilder b = BfdEngine.builder().eventLoopGroup(group);
            if (engines.isEmpty() && realtimePriority > 0) {
                b.realtimePriority(realtimePriority);
            }
            if (!key.equals(OWN)) {
                NetworkNamespace ns = NetworkNamespace.open(key);
                namespaces.put(key, ns);
                b.socketExecutor(ns.executor());
                watch.watch(key);
            }
            e = b.build().start();
            e.addListener(listener);
            engines.put(key, e);
        }
        return e;
    }

    /** Whether an engine runs for {@code namespace} (null: our own) in the namespace its name names now. */
    synchronized boolean has(String namespace) {
        String key = namespace == null ? OWN : namespace;
        return engines.containsKey(key) && !createdAgain(key);
    }

    /** The namespaces whose name no longer names the namespace their engine entered. */
    synchronized Map<String, NamespaceWatch.Lost> lost() {
        Map<String, NamespaceWatch.Lost> out = new LinkedHashMap<>();
        namespaces.forEach((key, ns) -> {
            NamespaceWatch.Lost l = ns.isHost() || key.startsWith("/") ? null
                    : NamespaceWatch.lost(key, ns.path(), ns.inode());
            if (l != null) {
                out.put(key, l);
            }
        });
        return out;
    }

    private boolean createdAgain(String key) {
        NetworkNamespace ns = namespaces.get(key);
        if (ns == null || key.startsWith("/")) {
            return false;
        }
        NamespaceWatch.Lost l = NamespaceWatch.lost(key, ns.path(), ns.inode());
        return l != null && l.createdAgain();
    }

    /**
     * Closes the engines replaced by one in a namespace created again, once their sessions have
     * moved (blocking: asks the BFD loop), and lets the orphaned namespaces go.
     */
    synchronized void closeOld() {
        int left = 0;
        for (Old o : java.util.List.copyOf(old)) {
            if (o.engine().snapshots().isEmpty()) {
                old.remove(o);
                o.engine().closeSilently();
                o.namespace().close();
            } else {
                left++;
            }
        }
        if (left > 0) {
            // Said as it is: the follow-up reads FAILED with this, not "closed".
            throw new IllegalStateException(left + " engine(s) of a namespace created again still run session(s); "
                    + "closed at the next rebuild or reload");
        }
    }

    /** An engine replaced by one in its namespace created again, with the namespace it entered. */
    private record Old(String key, BfdEngine engine, NetworkNamespace namespace) {
    }

    /**
     * Stops the engine of {@code namespace} if no session uses it (a reload that entered the
     * namespace was rejected), and leaves the namespace.
     */
    synchronized void closeIfUnused(String namespace) {
        String key = namespace == null ? OWN : namespace;
        BfdEngine e = engines.get(key);
        if (e == null || !e.snapshots().isEmpty()) {
            return;
        }
        engines.remove(key);
        e.closeSilently();
        NetworkNamespace ns = namespaces.remove(key);
        if (ns != null) {
            ns.close();
        }
        for (int i = old.size() - 1; i >= 0; i--) {
            if (old.get(i).key().equals(key)) {
                // A rejected reload started the new one: the old one is again what runs there.
                Old o = old.remove(i);
                engines.put(key, o.engine());
                namespaces.put(key, o.namespace());
                break;
            }
        }
    }

    synchronized Map<String, BfdEngine> all() {
        return Map.copyOf(engines);
    }

    /**
     * Stops every engine. {@code adminDown}: tell peers the sessions are administratively
     * removed; without it the engines go silent, so held-Down sessions stay Down at the peer
     * (a withdrawn route stays withdrawn: the agent stopping never announces anything).
     */
    synchronized void close(boolean adminDown) {
        watch.close();
        for (int i = 0; i < old.size(); i++) {
            engines.put("old " + i + " " + old.get(i).key(), old.get(i).engine());
            namespaces.put("old " + i + " " + old.get(i).key(), old.get(i).namespace());
        }
        old.clear();
        for (BfdEngine e : engines.values()) {
            if (adminDown) {
                e.close();
            } else {
                e.closeSilently();
            }
        }
        engines.clear();
        namespaces.values().forEach(NetworkNamespace::close);
        namespaces.clear();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        close(false);
    }
}
