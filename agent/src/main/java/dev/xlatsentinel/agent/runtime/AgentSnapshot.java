package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.action.FrrPeerActuator;
import dev.xlatsentinel.agent.action.FrrRouteActuator;
import dev.xlatsentinel.agent.action.NativeBfdActuator;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.policy.Policy;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.ReceiveQueue;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.translator.health.HealthStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything status and metrics show, taken on the agent loop in one go. Native session
 * snapshots are read from the BFD loop; FRR state is what the FRR client last read.
 */
public record AgentSnapshot(LoadedConfig config, Instant configLoaded, Instant started, boolean maintenance,
        List<Instance> instances, List<Service> services, List<BfdReceive> bfdReceive, ReloadRecord lastReload) {

    /** Without a reload yet. */
    public AgentSnapshot(LoadedConfig config, Instant configLoaded, Instant started, boolean maintenance,
            List<Instance> instances, List<Service> services, List<BfdReceive> bfdReceive) {
        this(config, configLoaded, started, maintenance, instances, services, bfdReceive, null);
    }

    /**
     * What one BFD engine (one network namespace; null: the agent's own) received: its
     * queues, and every packet it dropped by reason, including those that matched no session.
     */
    public record BfdReceive(String namespace, List<ReceiveQueue> queues, Map<Counter, Long> counters) {
    }

    /** One instance: translator health plus the policy's view (drain, damping). */
    public record Instance(String name, HealthStatus health, Policy.InstanceView policy) {
    }

    /** One service and its actuators' states. */
    public record Service(String name, boolean withdrawn, String reason, Instant since, List<String> dependsOn,
            List<Bfd> bfd, List<BfdPeerSpec> frrPeers, List<RouteSpec> frrRoutes) {
    }

    /**
     * One native session with the namespace it lives in; {@code lost} (null: it is not) says why
     * its sockets reach no one: its namespace was deleted, or created again and not rebuilt yet.
     */
    public record Bfd(SessionSnapshot snapshot, String namespace, String lost) {
        public Bfd(SessionSnapshot snapshot, String namespace) {
            this(snapshot, namespace, null);
        }
    }

    AgentSnapshot(LoadedConfig config, Instant configLoaded, Instant started, boolean maintenance,
            Map<String, InstanceRuntime> instances, Map<String, ServiceRuntime> services, Policy policy, long now,
            List<BfdReceive> bfdReceive, ReloadRecord lastReload, java.util.function.Function<String, String> lost) {
        this(config, configLoaded, started, maintenance, instances(instances, policy, now), services(services, lost),
                bfdReceive, lastReload);
    }

    private static List<Instance> instances(Map<String, InstanceRuntime> instances, Policy policy, long now) {
        List<Instance> list = new ArrayList<>();
        instances.forEach((name, i) -> list.add(new Instance(name, i.status(), policy.instanceView(name, now))));
        return list;
    }

    private static List<Service> services(Map<String, ServiceRuntime> services,
            java.util.function.Function<String, String> lost) {
        List<Service> list = new ArrayList<>();
        services.forEach((name, s) -> {
            List<Bfd> bfd = new ArrayList<>();
            List<BfdPeerSpec> peers = new ArrayList<>();
            List<RouteSpec> routes = new ArrayList<>();
            for (Actuator a : s.actuators) {
                if (a instanceof NativeBfdActuator n) {
                    SessionSnapshot snap = n.session().snapshot();
                    bfd.add(new Bfd(snap, n.namespace(), lost.apply(n.namespace())));
                } else if (a instanceof FrrPeerActuator f) {
                    peers.add(f.spec());
                } else if (a instanceof FrrRouteActuator r) {
                    routes.add(r.route());
                }
            }
            list.add(new Service(name, s.withdrawn, s.reason, s.since, s.config.dependsOn(), bfd, peers, routes));
        });
        return list;
    }
}
