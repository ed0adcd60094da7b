package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.action.FrrPeerActuator;
import dev.xlatsentinel.agent.action.FrrRouteActuator;
import dev.xlatsentinel.agent.action.NativeBfdActuator;
import dev.xlatsentinel.agent.action.PreparedActuator;
import dev.xlatsentinel.agent.config.AgentConfig;
import dev.xlatsentinel.agent.status.StatusBuilder;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionListener;
import dev.xlatsentinel.frr.FrrException;
import dev.xlatsentinel.frr.bfdd.BfdPeer;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.bfdd.FrrBfdd;
import dev.xlatsentinel.frr.bfdd.FrrBfddConfig;
import dev.xlatsentinel.frr.route.FrrRoutes;
import dev.xlatsentinel.frr.route.FrrRoutesConfig;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.frr.vty.VtyClientConfig;
import dev.xlatsentinel.frr.vty.VtyEndpoint;
import dev.xlatsentinel.platform.sched.RealtimeThreads;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.health.HealthListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link Resources}: probes on their own scheduler thread, one BFD engine per
 * network namespace on one event loop, the FRR clients and the thread their commands run on.
 * With {@code detectionRealtimePriority} the threads that decide a DOWN (and send the BFD
 * Down from there) run SCHED_FIFO under a CPU guard: the probes' timer thread, and the
 * translator's events, ICMP receiver and namespace threads (docs/failover.md).
 */
final class LiveResources implements Resources {
    private final RealtimeThreads detection;
    private final SystemScheduler probes;
    private final BfdEngines engines;
    private final ExecutorService frrThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "frr");
        t.setDaemon(true);
        return t;
    });
    private volatile FrrBfdd frrBfdd;
    private volatile FrrRoutes frrRoutes;
    private volatile Runnable namespaceChange = () -> { };

    /**
     * {@code bfdRealtimePriority}: SCHED_FIFO priority of the BFD event loop;
     * {@code detectionRealtimePriority}: of the deciding threads; 0 for normal scheduling.
     */
    LiveResources(SessionListener bfdListener, int bfdRealtimePriority, int detectionRealtimePriority) {
        this.detection = RealtimeThreads.of("detection", detectionRealtimePriority);
        this.probes = new SystemScheduler("probes", detection::raiseCurrentThread);
        this.engines = new BfdEngines(bfdListener, bfdRealtimePriority, () -> namespaceChange.run());
    }

    io.netty.channel.IoEventLoopGroup bfdLoop() {
        return engines.group();
    }

    @Override
    public InstanceRuntime instance(String name, InstanceSpec spec, HealthListener listener) {
        return ProbedInstance.build(name, spec, probes, detection, listener);
    }

    @Override
    public Runnable enterNamespace(String namespace) {
        if (engines.has(namespace)) {
            return () -> { };
        }
        engines.engine(namespace);
        return () -> engines.closeIfUnused(namespace);
    }

    @Override
    public PreparedActuator session(SessionConfig config, String namespace, Actuator replacing) {
        return NativeBfdActuator.prepare(engines.engine(namespace), config, namespace,
                (NativeBfdActuator) replacing);
    }

    @Override
    public Map<String, NamespaceWatch.Lost> lostNamespaces() {
        return engines.lost();
    }

    @Override
    public void onNamespaceChange(Runnable look) {
        namespaceChange = look;
    }

    @Override
    public void closeOldEngines() {
        engines.closeOld();
    }

    @Override
    public CompletableFuture<Void> update(Actuator session, SessionConfig next) {
        return ((NativeBfdActuator) session).update(next);
    }

    @Override
    public PreparedActuator frrPeer(BfdPeerSpec spec, AgentConfig.FrrSettings frr) {
        return FrrPeerActuator.prepare(frrBfdd(frr), spec, frrThread);
    }

    @Override
    public PreparedActuator frrRoute(RouteSpec route, AgentConfig.FrrSettings frr) {
        return FrrRouteActuator.prepare(frrRoutes(frr), route, frrThread);
    }

    /** What each BFD engine received and dropped (read from the BFD loop). */
    List<AgentSnapshot.BfdReceive> bfdReceive() {
        List<AgentSnapshot.BfdReceive> out = new ArrayList<>();
        engines.all().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.add(
                new AgentSnapshot.BfdReceive(e.getKey().equals(BfdEngines.OWN) ? null : e.getKey(),
                        e.getValue().receiveQueues(), e.getValue().counters())));
        return out;
    }

    private synchronized FrrBfdd frrBfdd(AgentConfig.FrrSettings f) {
        if (frrBfdd == null) {
            frrBfdd = FrrBfdd.open(new FrrBfddConfig(new VtyEndpoint(f.vtyDir(), "bfdd"), vty(f), f.pollInterval()));
        }
        return frrBfdd;
    }

    private synchronized FrrRoutes frrRoutes(AgentConfig.FrrSettings f) {
        if (frrRoutes == null) {
            frrRoutes = FrrRoutes.open(new FrrRoutesConfig(f.vtyDir(), vty(f), null));
        }
        return frrRoutes;
    }

    private static VtyClientConfig vty(AgentConfig.FrrSettings f) {
        VtyClientConfig d = VtyClientConfig.DEFAULTS;
        return new VtyClientConfig(f.timeout(), f.timeout(), d.retryInitial(), d.retryMax(), d.livenessEvery());
    }

    /**
     * What FRR says now about the peers and routes the agent drives (blocking vty calls, at
     * most one reply timeout each; call it off the agent loop).
     */
    StatusBuilder.FrrState frrState() {
        FrrBfdd b = frrBfdd;
        FrrRoutes r = frrRoutes;
        if (b == null && r == null) {
            return StatusBuilder.FrrState.NONE;
        }
        List<BfdPeer> peers = List.of();
        String bfdd = "not used";
        if (b != null) {
            bfdd = b.status().toString();
            try {
                peers = b.peers();
            } catch (FrrException e) {
                bfdd = "unreadable: " + e.getMessage();
            }
        }
        List<BfdPeer> seen = peers;
        String routesState = r == null ? "not used" : r.status().toString();
        return new StatusBuilder.FrrState(
                spec -> seen.stream().filter(p -> spec.key().sameSession(p.key())).findFirst().orElse(null),
                bfdd, route -> {
                    try {
                        return r == null ? null : r.isConfigured(route);
                    } catch (FrrException e) {
                        return null;
                    }
                }, routesState);
    }

    /** The deciding threads' priority and guard (its demotions), {@link RealtimeThreads#OFF} when not set. */
    RealtimeThreads detection() {
        return detection;
    }

    @Override
    public void close() {
        probes.close();
        detection.close();
        engines.close(false);
        frrThread.shutdown();
        try {
            frrThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (frrBfdd != null) {
            frrBfdd.close();
        }
        if (frrRoutes != null) {
            frrRoutes.close();
        }
    }
}
