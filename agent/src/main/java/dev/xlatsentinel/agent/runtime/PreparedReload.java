package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.action.PreparedActuator;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.runtime.ReloadPlan.Bfd;
import dev.xlatsentinel.agent.runtime.ReloadPlan.Change;
import dev.xlatsentinel.agent.runtime.ReloadPlan.Kind;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.translator.config.InstanceSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything a plan needs that is not running yet, taken by {@link #prepare} without touching
 * what runs: rebuilt and new instances' probes, the BFD engines of namespaces not used yet,
 * new and recreated sessions with their sockets open, FRR peers and routes with their clients.
 * The commit swaps them in on the agent loop; an abort gives them back.
 */
final class PreparedReload {
    final ReloadPlan plan;
    final LoadedConfig next;
    final ReloadTransaction tx;
    /** New and rebuilt instances, by name; not started. */
    final Map<String, InstanceRuntime> instances = new LinkedHashMap<>();
    /** New and recreated actuators, by what names them (session key, FRR peer key, route). */
    final Map<Object, PreparedActuator> actuators = new LinkedHashMap<>();

    private PreparedReload(ReloadPlan plan, LoadedConfig next, ReloadTransaction tx) {
        this.plan = plan;
        this.next = next;
        this.tx = tx;
    }

    /**
     * Takes every piece {@code plan} needs, in order: instances, namespaces, sessions, FRR peers,
     * FRR routes. {@code running} names the running actuators (the ones recreated sessions
     * replace); {@code listeners} gives each new instance its health listener. Runs off the agent
     * loop; reads nothing the loop changes (the plan and the running actuators stay as they are
     * until a commit, and reloads run one at a time).
     *
     * @throws ReloadRejected with everything taken given back
     */
    static PreparedReload prepare(ReloadPlan plan, LoadedConfig next, Map<Object, Actuator> running,
            Resources resources, Function<String, InstanceListener> listeners, ReloadTransaction tx)
            throws ReloadRejected {
        PreparedReload p = new PreparedReload(plan, next, tx);
        for (Change<InstanceSpec> c : plan.instances()) {
            if (c.kind() == Kind.ADD || c.kind() == Kind.RECREATE) {
                String name = (String) c.id();
                p.instances.put(name, tx.prepare(c.name() + " (probes)", () -> {
                    InstanceListener l = listeners.apply(name);
                    InstanceRuntime built = resources.instance(name, c.to(), l);
                    l.owner = built;
                    return built;
                }, InstanceRuntime::close));
            }
        }
        for (String ns : plan.namespacesToEnter()) {
            tx.prepare(ns == null ? "the agent's own namespace (BFD engine)" : "namespace " + ns + " (BFD engine)",
                    () -> resources.enterNamespace(ns), Runnable::run);
        }
        for (Change<Bfd> c : plan.sessions()) {
            if (c.kind() == Kind.ADD || c.kind() == Kind.RECREATE) {
                // A recreated session replaces the running one with its key; a moved one (the
                // same addresses on another interface) the one the plan removes for it.
                SessionKey moved = plan.moves().get((SessionKey) c.id());
                Actuator replacing = c.kind() == Kind.RECREATE ? running.get(c.id())
                        : moved == null ? null : running.get(moved);
                String where = c.to().namespace() == null ? "" : " in namespace " + c.to().namespace();
                p.actuators.put(c.id(), tx.prepare(c.name() + where,
                        () -> resources.session(c.to().config(), c.to().namespace(), replacing),
                        PreparedActuator::abort));
            }
        }
        for (Change<BfdPeerSpec> c : plan.frrPeers()) {
            if (c.kind() == Kind.ADD || c.kind() == Kind.UPDATE) {
                p.actuators.put(c.id(), tx.prepare(c.name(),
                        () -> resources.frrPeer(c.to(), next.config().frr()), PreparedActuator::abort));
            }
        }
        for (Change<RouteSpec> c : plan.frrRoutes()) {
            if (c.kind() == Kind.ADD) {
                p.actuators.put(c.id(), tx.prepare(c.name(),
                        () -> resources.frrRoute(c.to(), next.config().frr()), PreparedActuator::abort));
            }
        }
        return p;
    }
}
