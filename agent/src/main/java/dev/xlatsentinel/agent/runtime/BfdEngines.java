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

    BfdEngines(SessionListener listener, int realtimePriority) {
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

    /** The engine for {@code namespace} (null: our own), started on first use. */
    synchronized BfdEngine engine(String namespace) {
        String key = namespace == null ? OWN : namespace;
        BfdEngine e = engines.get(key);
        if (e == null) {
            BfdEngineBuilder b = BfdEngine.builder().eventLoopGroup(group);
            if (engines.isEmpty() && realtimePriority > 0) {
                b.realtimePriority(realtimePriority);
            }
            if (!key.equals(OWN)) {
                NetworkNamespace ns = NetworkNamespace.open(key);
                namespaces.put(key, ns);
                b.socketExecutor(ns.executor());
            }
            e = b.build().start();
            e.addListener(listener);
            engines.put(key, e);
        }
        return e;
    }

    /** Whether an engine runs for {@code namespace} (null: our own). */
    synchronized boolean has(String namespace) {
        return engines.containsKey(namespace == null ? OWN : namespace);
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
