package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.config.AgentConfig;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.config.ServiceConfig;
import dev.xlatsentinel.agent.policy.Health;
import dev.xlatsentinel.agent.policy.Policy;
import dev.xlatsentinel.agent.runtime.ReloadPlan.Bfd;
import dev.xlatsentinel.agent.runtime.ReloadPlan.Change;
import dev.xlatsentinel.agent.runtime.ReloadPlan.Kind;
import dev.xlatsentinel.agent.status.StatusBuilder;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.config.InstanceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reload's commit: swaps what a {@link PreparedReload} prepared into the running state that
 * {@link AgentCore} owns (its instances, its services and their actuators, what its policy
 * knows of the instances) and returns, as {@link FollowUp}s, what finishes later: an old
 * instance's probes stopping, a removed session's AdminDown. It runs only inside
 * {@link AgentCore#commit}, on the loop, holding the inbox's lock; nothing here waits, and
 * everything else a commit does (deciding, the config and its settings, maintenance) stays in
 * {@code AgentCore}.
 */
final class ReloadCommit {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final Scheduler loop;
    private final Resources resources;
    private final Policy policy;
    private final Map<String, InstanceRuntime> instances;
    private final Map<String, ServiceRuntime> services;
    private final Map<String, Long> lastRound;
    private final Map<String, Long> roundLimit;

    /** Acts on {@code AgentCore}'s own maps and policy: they are the running state. */
    ReloadCommit(Scheduler loop, Resources resources, Policy policy, Map<String, InstanceRuntime> instances,
            Map<String, ServiceRuntime> services, Map<String, Long> lastRound, Map<String, Long> roundLimit) {
        this.loop = loop;
        this.resources = resources;
        this.policy = policy;
        this.instances = instances;
        this.services = services;
        this.lastRound = lastRound;
        this.roundLimit = roundLimit;
    }

    /**
     * The new and rebuilt instances in, the removed and replaced ones retired (their probes
     * stop off the loop); then the policy learns the instances, before it re-evaluates.
     */
    void instances(PreparedReload p, List<FollowUp> follow) {
        commitInstances(p, follow);
        AgentConfig c = p.next.config();
        long now = loop.nanoTime();
        Map<String, List<String>> deps = new LinkedHashMap<>();
        c.services().forEach((name, s) -> deps.put(name, s.dependsOn()));
        // A new instance is STARTING: tell the policy before it re-evaluates. A changed one
        // keeps the verdict it had until its rebuilt probes reach theirs (from STARTING, rise
        // passes make it UP, fall failures DOWN): a reload that only changes how an instance
        // is probed must not withdraw a gateway that works.
        Map<String, Health> before = new HashMap<>();
        for (Change<InstanceSpec> ch : p.plan.instances()) {
            if (ch.kind() == Kind.RECREATE) {
                before.put((String) ch.id(), policy.instanceView((String) ch.id(), now).health());
            }
        }
        policy.define(List.copyOf(c.instances().keySet()), deps, now);
        for (String name : p.instances.keySet()) {
            Health was = before.get(name);
            if (was == null) {
                policy.health(name, Health.STARTING, "not probed yet", now);
            } else if (was == Health.STARTING) {
                policy.health(name, Health.STARTING, "probes rebuilt by a reload, not decided yet", now);
            } else {
                policy.health(name, was, was + " before the reload; its rebuilt probes have not decided yet",
                        now);
            }
        }
    }

    private void commitInstances(PreparedReload p, List<FollowUp> follow) {
        for (Change<InstanceSpec> ch : p.plan.instances()) {
            String name = (String) ch.id();
            switch (ch.kind()) {
                case REMOVE -> {
                    lastRound.remove(name);
                    roundLimit.remove(name);
                    InstanceRuntime old = instances.remove(name);
                    follow.add(retire(ch.name(), "probes stopped", old));
                    LOG.info("instance {} removed", name);
                }
                case RECREATE -> {
                    InstanceRuntime old = instances.put(name, p.instances.get(name));
                    follow.add(retire(ch.name() + " (old probes)", "probes stopped", old));
                    LOG.info("instance {} changed: probes rebuilt; its UP or DOWN stands until they decide", name);
                }
                case ADD -> {
                    instances.put(name, p.instances.get(name));
                    if (!p.plan.first()) {
                        LOG.info("instance {} added", name);
                    }
                }
                default -> {
                }
            }
        }
        long now = loop.nanoTime();
        p.next.config().instances().forEach((name, spec) -> {
            // The longest normal silence between two rounds of an instance (for the watchdog).
            var hp = spec.health().policy();
            roundLimit.put(name, hp.interval().plus(hp.timeout()).multipliedBy(3).plusSeconds(5).toNanos());
            lastRound.putIfAbsent(name, now);
        });
        if (!p.instances.isEmpty()) {
            p.instances.keySet().forEach(name -> lastRound.put(name, now));
        }
    }

    /** Stops an instance's probes off the loop (closing may wait for a probe in flight). */
    private FollowUp retire(String what, String doing, InstanceRuntime old) {
        CompletableFuture<Void> done = CompletableFuture.runAsync(old::close);
        return FollowUp.of(what, doing, done, loop::now);
    }

    /** The services in the config's order, each with its actuators: kept, updated live, recreated, added, removed. */
    void services(PreparedReload p, List<FollowUp> follow) {
        AgentConfig c = p.next.config();
        boolean first = p.plan.first();
        // The running actuators by identity, with the service each belongs to now.
        Map<Object, Actuator> running = new HashMap<>();
        Map<Object, ServiceRuntime> runningIn = new HashMap<>();
        for (ServiceRuntime s : services.values()) {
            for (Actuator a : s.actuators) {
                Object id = s.identities.get(a);
                running.put(id, a);
                runningIn.put(id, s);
            }
        }
        for (Change<ServiceConfig> ch : p.plan.services()) {
            String name = (String) ch.id();
            if (ch.kind() == Kind.REMOVE) {
                services.remove(name);
                LOG.info("service {} removed", name);
            } else if (ch.kind() == Kind.ADD) {
                services.put(name, new ServiceRuntime(name, ch.to(), loop.now()));
                if (!first) {
                    LOG.info("service {} added (withdrawn until its instances are UP)", name);
                }
            } else {
                services.get(name).config = ch.to();
            }
        }
        // Keep the config's order of services.
        Map<String, ServiceRuntime> ordered = new LinkedHashMap<>();
        c.services().keySet().forEach(n -> ordered.put(n, services.get(n)));
        services.clear();
        services.putAll(ordered);

        Map<Object, Actuator> next = new HashMap<>();
        for (Change<Bfd> ch : p.plan.sessions()) {
            commitActuator(ch, p, running, runningIn, next, follow);
        }
        for (Change<BfdPeerSpec> ch : p.plan.frrPeers()) {
            commitActuator(ch, p, running, runningIn, next, follow);
        }
        for (Change<RouteSpec> ch : p.plan.frrRoutes()) {
            commitActuator(ch, p, running, runningIn, next, follow);
        }
        // Each service's actuators in the order of its config: sessions, FRR peers, FRR routes.
        c.services().forEach((name, cfg) -> {
            ServiceRuntime s = services.get(name);
            s.actuators.clear();
            s.identities.clear();
            List<Object> ids = new ArrayList<>();
            p.next.bfdSessions().getOrDefault(name, List.of()).forEach(sc -> ids.add(sc.key()));
            cfg.frrPeers().forEach(fp -> ids.add(fp.key()));
            ids.addAll(cfg.frrRoutes());
            for (Object id : ids) {
                Actuator a = next.get(id);
                s.actuators.add(a);
                s.identities.put(a, id);
            }
        });
    }

    private void commitActuator(Change<?> ch, PreparedReload p, Map<Object, Actuator> running,
            Map<Object, ServiceRuntime> runningIn, Map<Object, Actuator> next, List<FollowUp> follow) {
        Actuator old = running.get(ch.id());
        ServiceRuntime owner = ch.kind() == Kind.REMOVE ? null : services.get(ch.service());
        switch (ch.kind()) {
            case KEEP -> next.put(ch.id(), old);
            case UPDATE -> {
                if (ch.to() instanceof Bfd b) {
                    SessionConfig was = ((Bfd) ch.from()).config();
                    if (!ReloadPlan.sameTimers(was, b.config())) {
                        LOG.info("{}: timers changed, applied through a Poll", old.describe());
                    }
                    if (!was.auth().equals(b.config().auth())) {
                        KeyChange.log(old.describe(), was.auth(), b.config().auth());
                    }
                    if (!ReloadPlan.sameTimers(was, b.config()) || !was.auth().equals(b.config().auth())) {
                        follow.add(FollowUp.of(old.describe(), "applied live",
                                resources.update(old, b.config()), loop::now));
                    }
                    next.put(ch.id(), old);
                    if (runningIn.get(ch.id()) != owner) {
                        owner.applyTo(old);
                    }
                } else if (ch.to() instanceof BfdPeerSpec) {
                    // bfdd applies the difference; the old object is dropped without removing the peer.
                    next.put(ch.id(), p.actuators.get(ch.id()).commit(owner.withdrawn, owner.reason));
                } else {
                    next.put(ch.id(), old);
                    owner.applyTo(old);
                }
            }
            case RECREATE -> {
                if (ch.why().startsWith("network namespace")) {
                    LOG.info("{}: {}: rebuilt in the new one ({})", old.describe(), ch.why(), owner.withdrawn
                            ? "held down: the service is withdrawn" : "Up through the normal handshake");
                    next.put(ch.id(), p.actuators.get(ch.id()).commit(owner.withdrawn, owner.reason));
                    // After the commit queued the old session's drop on the BFD loop: its engine is empty then.
                    follow.add(FollowUp.of(old.describe() + " (the old namespace's engine)", "closed",
                            CompletableFuture.runAsync(resources::closeOldEngines), loop::now));
                    return;
                } else if (ch.why().startsWith("authentication type")) {
                    LOG.info("{}: {}: the session is recreated (a type cannot change live; the router must switch"
                            + " type too)", old.describe(), ch.why());
                } else {
                    LOG.info("{}: settings other than timers changed: the session is recreated ({})", old.describe(),
                            ch.why());
                }
                next.put(ch.id(), p.actuators.get(ch.id()).commit(owner.withdrawn, owner.reason));
            }
            case ADD -> next.put(ch.id(), p.actuators.get(ch.id()).commit(owner.withdrawn, owner.reason));
            case REMOVE -> {
                LOG.info("{}: removed{}", old.describe(), ch.why().isEmpty() ? "" : " (" + ch.why() + ")");
                String doing = !(ch.from() instanceof Bfd) ? "removed"
                        : p.plan.moves().containsValue((SessionKey) ch.id()) ? "removed: " + ch.why()
                        : "removed: AdminDown to the peer for one detection time, then its socket closes";
                follow.add(FollowUp.of(old.describe(), doing, old.remove(), loop::now));
            }
            default -> throw new IllegalStateException("unknown change " + ch.kind());
        }
    }

    /** Each session's (peer, local) addresses, for observers. */
    static Set<List<String>> sessionAddresses(LoadedConfig c) {
        Set<List<String>> out = new HashSet<>();
        c.bfdSessions().values().forEach(l -> l.forEach(sc -> out.add(List.of(StatusBuilder.addr(sc.peer()),
                StatusBuilder.addr(sc.local())))));
        return out;
    }
}
