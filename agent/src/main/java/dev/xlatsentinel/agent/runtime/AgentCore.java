package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.config.AgentConfig;
import dev.xlatsentinel.agent.config.AgentSettings;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.hooks.HookRunner;
import dev.xlatsentinel.agent.policy.DampingSettings;
import dev.xlatsentinel.agent.policy.Health;
import dev.xlatsentinel.agent.policy.Policy;
import dev.xlatsentinel.agent.policy.Verdict;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.health.HealthChange;
import dev.xlatsentinel.translator.health.HealthState;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's decisions and its reconcile, on one thread and nothing else: translator health
 * in, routing actions out, and reloads committed. Every method runs on the agent loop, the
 * thread of the {@link Scheduler} it is given; it never waits for the network, never sleeps,
 * and reads time only from that scheduler, so unit tests drive it on a
 * {@link dev.xlatsentinel.platform.time.ManualClock}. What it acts through is {@link Resources};
 * {@link Agent} is the shell that gives it a real thread.
 *
 * <p>The reload: {@link #plan} (pure, from the running config), prepare off the loop
 * ({@link PreparedReload}), then {@link #commit}: one step on the loop that swaps everything
 * prepared in ({@link ReloadCommit}) and cannot fail for anything prepare could have found;
 * what the plan removes is retired without waiting (a removed session says AdminDown for a
 * detection time on the BFD loop), followed by {@link FollowUp}s.
 *
 * <p>One thing runs ahead of the loop: a DOWN holds its services' native sessions down on the
 * thread that decided it ({@link HealthInbox}); the loop takes the change after that, and
 * everything it does to actuators it does holding the inbox's lock, so it never releases a
 * session knowing less than the hold-downs that went ahead of it.
 */
final class AgentCore {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    static final Duration MAINTENANCE_POLL = Duration.ofMillis(250);
    static final Duration STOP_POLL = Duration.ofMillis(5);
    /** After a hold-down went ahead, the loop takes the change when the Down has been sent, or after this. */
    static final Duration TAKE_AFTER_HOLD = Duration.ofMillis(10);

    private final Scheduler loop;
    private final Resources resources;
    private final HookRunner hooks;
    private final Policy policy;
    private final List<Agent.Observer> observers;
    private final Instant started;
    /** When each instance last finished a probe round, and its longest normal silence: read by the watchdog. */
    private final Map<String, Long> lastRound = new ConcurrentHashMap<>();
    private final Map<String, Long> roundLimit = new ConcurrentHashMap<>();

    private LoadedConfig config = ReloadPlan.NOTHING;
    private Instant configLoaded;
    private final Map<String, InstanceRuntime> instances = new LinkedHashMap<>();
    private final Map<String, ServiceRuntime> services = new LinkedHashMap<>();
    private Scheduler.Timer reconsider;
    private Scheduler.Timer maintenancePoll;
    private boolean maintenance;
    /** The maintenance file whose presence {@link #maintenance} tells (null before the first look). */
    private java.nio.file.Path maintenanceSeen;
    private boolean stopping;
    private ReloadRecord lastReload;
    private final StatusInvariant invariant = new StatusInvariant();
    /** Health changes in decision order; its lock is held by the loop whenever it acts on actuators. */
    private final HealthInbox inbox = new HealthInbox();
    private final ReloadCommit reloadCommit;
    /** BFD namespaces deleted or created again, and the rebuild the shell runs off the loop. */
    private final NamespaceLoss namespaces = new NamespaceLoss();
    private Runnable rebuild = () -> { };
    private long nextRebuild;

    AgentCore(Scheduler loop, Resources resources, HookRunner hooks, List<Agent.Observer> observers) {
        this.loop = loop;
        this.resources = resources;
        this.hooks = hooks;
        this.observers = observers;
        this.policy = new Policy(damping(AgentSettings.DampingConfig.DEFAULT));
        this.started = loop.now();
        this.reloadCommit = new ReloadCommit(loop, resources, policy, instances, services, lastRound, roundLimit);
        resources.onNamespaceChange(() -> loop.schedule(Duration.ZERO, () -> checkNamespaces(true)));
    }

    // ------------------------------------------------------------------ reload

    /**
     * The plan from what runs now to {@code next}.
     *
     * @throws ReloadRejected once the agent is stopping (SIGTERM): nothing new is started then
     */
    ReloadPlan plan(LoadedConfig next) throws ReloadRejected {
        if (stopping) {
            throw new ReloadRejected("the agent is stopping");
        }
        Map<String, String> stale = new LinkedHashMap<>();
        instances.forEach((name, i) -> {
            String why = i.stale();
            if (why != null) {
                stale.put(name, why);
            }
        });
        lookAtNamespaces();
        return ReloadPlan.between(config, next).rebuilding(stale).recreatingIn(namespaces.createdAgain());
    }

    // ------------------------------------------------------------------ BFD namespaces

    /** Sets what rebuilds the sessions of namespaces created again (the shell's, off the loop). */
    void onRebuild(Runnable r) {
        rebuild = r;
    }

    /**
     * Loop: looks at the BFD engines' namespaces (after an inotify event, and every maintenance
     * poll); asks for a rebuild when one was created again, at once after an event, else at
     * most every second while it fails.
     */
    void checkNamespaces(boolean event) {
        if (stopping) {
            return;
        }
        lookAtNamespaces();
        long now = loop.nanoTime();
        if (!namespaces.createdAgain().isEmpty() && (event || now - nextRebuild >= 0)) {
            nextRebuild = now + Duration.ofSeconds(1).toNanos();
            rebuild.run();
        }
    }

    private void lookAtNamespaces() {
        namespaces.update(resources.lostNamespaces(), NamespaceLoss.sessionsByNamespace(config));
    }

    /** The plan that rebuilds only the sessions of namespaces created again (the running config otherwise kept). */
    ReloadPlan rebuildPlan() throws ReloadRejected {
        if (stopping) {
            throw new ReloadRejected("the agent is stopping");
        }
        lookAtNamespaces();
        return ReloadPlan.between(config, config).recreatingIn(namespaces.createdAgain());
    }

    /** A rebuild could not be prepared: logged once per cause; tried again. */
    void rebuildFailed(java.util.Collection<String> which, String cause) {
        String line = namespaces.rebuildFailed(which, cause);
        if (line != null) {
            LOG.warn(line);
        }
    }

    /** The running actuators by what names them (session key, FRR peer key, route): for prepare. */
    Map<Object, Actuator> running() {
        Map<Object, Actuator> out = new HashMap<>();
        services.values().forEach(s -> s.actuators.forEach(a -> out.put(identity(a, s), a)));
        return out;
    }

    private static Object identity(Actuator a, ServiceRuntime s) {
        return s.identities.get(a);
    }

    /** A new instance's health listener: events of an instance that a later commit replaced are ignored. */
    InstanceListener listener(String name) {
        return new InstanceListener(name, inbox, loop, this::evaluate, observers, lastRound);
    }

    /**
     * Swaps in everything {@code p} prepared, in one step on the loop: instances, services and
     * their actuators, agent settings; then decides. Nothing here waits: a removed session's
     * AdminDown runs on the BFD loop and is followed by the returned {@link FollowUp}s. Only a
     * bug can make this throw; what was committed until then stays, the rest is given back, and
     * the caller reports it.
     */
    List<FollowUp> commit(PreparedReload p) {
        // Under the inbox's lock: a hold-down ahead of the loop waits for the commit and then
        // acts on the sessions it made live; the commit's decisions know every change before it.
        List<Runnable> report = new ArrayList<>();
        List<FollowUp> follow;
        synchronized (inbox) {
            follow = commitLocked(p, report);
        }
        report.forEach(Runnable::run);
        return follow;
    }

    /** {@link #commit} holding the lock: {@link ReloadCommit} swaps instances and services in; the rest is set here. */
    private List<FollowUp> commitLocked(PreparedReload p, List<Runnable> report) {
        AgentConfig c = p.next.config();
        boolean first = p.plan.first();
        List<FollowUp> follow = new ArrayList<>();
        p.tx.committed();
        try {
            // Changes queued before the commit belong to the instances they were decided for.
            decide(report);
            reloadCommit.instances(p, follow);
            policy.damping(damping(c.agent().damping()));
            reloadCommit.services(p, follow);
            hooks.hooks(hooks(c.agent()));
            if (p.next != config) { // a namespace rebuild commits the running config again
                configLoaded = loop.now();
            }
            config = p.next;
            observers.forEach(o -> o.configured(Set.copyOf(c.instances().keySet()), Set.copyOf(c.services().keySet()),
                    ReloadCommit.sessionAddresses(p.next)));
            // Start the new probes, then decide.
            p.instances.values().forEach(InstanceRuntime::start);
            if (first || !c.agent().maintenanceFile().equals(maintenanceSeen)) {
                checkMaintenance(report);
            }
            decide(report);
        } catch (RuntimeException e) {
            p.actuators.values().forEach(a -> {
                try {
                    a.abort();
                } catch (RuntimeException ignored) {
                    // Already committed, or nothing to give back.
                }
            });
            throw e;
        }
        if (first) {
            scheduleMaintenance();
        }
        return follow;
    }

    /** Keeps the outcome of the last reload for status. */
    void record(ReloadRecord r) {
        lastReload = r;
    }

    // ------------------------------------------------------------------ events

    /** Loop, holding the inbox's lock: one health change into the policy (its hook fires after the lock). */
    private void applyHealth(HealthInbox.Entry e, List<Runnable> report) {
        HealthChange change = e.change();
        if (e.from() == null || instances.get(change.instance()) != e.from()) {
            return; // an instance a reload replaced or removed meanwhile
        }
        policy.health(change.instance(), health(change.to()), change.reason(), loop.nanoTime());
        report.add(() -> hooks.fire("health", Map.of("XLAT_INSTANCE", change.instance(), "XLAT_STATE",
                change.to().name(), "XLAT_PREVIOUS", change.from().name(), "XLAT_REASON", change.reason(),
                "XLAT_TIME", change.at().toString())));
    }

    /**
     * Takes every health change queued, decides every service and acts on each verdict;
     * re-arms the timer for holds and suppressions. Logs, observers and hooks run after the
     * inbox's lock is let go: a hold-down ahead of the loop never waits for a log appender.
     */
    void evaluate() {
        if (stopping) {
            return;
        }
        List<Runnable> report = new ArrayList<>();
        synchronized (inbox) {
            decide(report);
        }
        report.forEach(Runnable::run);
    }

    /** Loop, holding the inbox's lock: {@link #evaluate} without running {@code report}. */
    private void decide(List<Runnable> report) {
        if (stopping) {
            return;
        }
        // One change at a time, in the order decided, each decided on before the next: a DOWN
        // and an UP taken together withdraw (and start the minimum hold) as they would apart.
        List<HealthInbox.Entry> changes = inbox.take();
        for (HealthInbox.Entry e : changes) {
            applyHealth(e, report);
            verdicts(report);
        }
        if (changes.isEmpty()) {
            verdicts(report);
        }
        long now = loop.nanoTime();
        if (reconsider != null) {
            reconsider.cancel();
            reconsider = null;
        }
        long at = policy.nextReconsideration(now);
        if (at != Long.MAX_VALUE) {
            reconsider = loop.schedule(Duration.ofNanos(Math.max(0, at - now)), this::evaluate);
        }
        inbox.holdOnDown(HealthInbox.holdOnDown(services.values(), instances));
        List<String> lies = lies();
        report.add(() -> invariant.report(lies));
    }

    /** Loop, holding the inbox's lock: the policy's verdicts now, each applied to its service's actuators. */
    private void verdicts(List<Runnable> report) {
        for (Verdict v : policy.evaluate(loop.nanoTime())) {
            ServiceRuntime s = services.get(v.service());
            if (s == null) {
                continue;
            }
            boolean changed = s.withdrawn != v.withdraw();
            s.withdrawn = v.withdraw();
            s.reason = v.reason();
            if (changed) {
                s.since = loop.now();
            }
            List<String> actions = new ArrayList<>();
            for (Actuator a : s.actuators) {
                s.applyTo(a);
                actions.add((v.withdraw() ? "withdraw " : "release ") + a.describe());
            }
            String what = v.withdraw() ? (changed ? "WITHDRAWN" : "still withdrawn") : "RELEASED";
            String name = s.name;
            String since = s.since.toString();
            report.add(() -> {
                LOG.info("service {} {}: {} -> {}{}", name, what, v.reason(), String.join(", ", actions),
                        v.withdraw() ? " (diag path-down)" : "");
                observers.forEach(o -> o.verdict(v));
                if (changed) {
                    observers.forEach(o -> o.transition(v));
                    hooks.fire(v.withdraw() ? "withdraw" : "release", Map.of("XLAT_SERVICE", name, "XLAT_STATE",
                            v.withdraw() ? "withdrawn" : "announced", "XLAT_REASON", v.reason(), "XLAT_TIME",
                            since));
                }
            });
        }
    }

    private void scheduleMaintenance() {
        maintenancePoll = loop.schedule(MAINTENANCE_POLL, () -> {
            if (!stopping) {
                checkMaintenance();
                checkNamespaces(false);
                scheduleMaintenance();
            }
        });
    }

    /** Reads the maintenance file's presence now: present drains everything. */
    void checkMaintenance() {
        List<Runnable> report = new ArrayList<>();
        synchronized (inbox) {
            checkMaintenance(report);
        }
        report.forEach(Runnable::run);
    }

    private void checkMaintenance(List<Runnable> report) {
        var file = config.config().agent().maintenanceFile();
        boolean present = Files.exists(file);
        java.nio.file.Path before = maintenanceSeen;
        boolean moved = before != null && !file.equals(before);
        // A reload that names another file: its presence counts at once, and status names it.
        if (present != maintenance || moved && present) {
            maintenance = present;
            report.add(() -> LOG.info("maintenance file {} {}", file, present ? (moved
                    ? "exists (a reload named it instead of " + before + "): draining every instance"
                    : "appeared: draining every instance")
                    : moved ? "does not exist (a reload named it instead of " + before + ")" : "removed"));
            policy.maintenance(present ? file.toString() : null);
            decide(report);
        }
        maintenanceSeen = file;
    }

    // ------------------------------------------------------------------ status never lies

    /** What status would show wrongly now, from what each actuator was last told (see {@link StatusInvariant}). */
    List<String> lies() {
        return StatusInvariant.lies(services.values());
    }

    // ------------------------------------------------------------------ operator

    void drain(String instance, String reason, String who) {
        requireInstance(instance);
        policy.drain(instance, reason);
        LOG.info("{} drained by {}: {}", instance == null ? "every instance" : "instance " + instance, who, reason);
        evaluate();
    }

    /**
     * Ends a drain; returns what still drains the instance(s) (a drain of all, the maintenance
     * file), empty when nothing does, so the operator is not told "undrained" while the
     * services stay withdrawn for another drain.
     */
    String undrain(String instance, String who) {
        requireInstance(instance);
        policy.undrain(instance);
        LOG.info("{} undrained by {}", instance == null ? "every instance" : "instance " + instance, who);
        evaluate();
        String still = policy.instanceView(instance != null ? instance : instances.keySet().iterator().next(),
                loop.nanoTime()).drainReason();
        if (still == null) {
            return "";
        }
        if (maintenance && still.equals("maintenance file " + config.config().agent().maintenanceFile() + " exists")) {
            return "; still drained: " + still + ": remove it to end that";
        }
        return "; still drained: every instance is (" + still + "): undrain --all ends that";
    }

    private void requireInstance(String instance) {
        if (instance != null && !instances.containsKey(instance)) {
            throw new IllegalArgumentException("no instance '" + instance + "' (instances: " + String.join(", ",
                    instances.keySet()) + ")");
        }
    }

    /**
     * The agent's verdicts, not the probes' states: an instance whose probes a reload rebuilt
     * keeps the UP it had until they decide (and its services stay announced), so it counts UP.
     */
    Agent.Summary summary() {
        long now = loop.nanoTime();
        return new Agent.Summary((int) instances.keySet().stream()
                .filter(name -> policy.instanceView(name, now).health() == Health.UP).count(),
                instances.size(), (int) services.values().stream().filter(s -> !s.withdrawn).count(),
                services.size());
    }

    Map<String, long[]> lastRounds() {
        Map<String, long[]> out = new HashMap<>();
        lastRound.forEach((name, at) -> {
            Long limit = roundLimit.get(name);
            out.put(name, new long[] {at, limit == null ? Long.MAX_VALUE : limit});
        });
        return out;
    }

    /**
     * A consistent picture of everything, for status and metrics; checks on the way that what
     * each native session does (held Down or not, read from the BFD loop) matches its service.
     */
    AgentSnapshot snapshot(List<AgentSnapshot.BfdReceive> bfdReceive) {
        if (inbox.pending()) {
            evaluate(); // a hold-down went ahead of the loop: take its change first, so status shows it
        }
        long ahead = inbox.heldAhead();
        lookAtNamespaces();
        AgentSnapshot snap = new AgentSnapshot(config, configLoaded, started, maintenance, instances, services,
                policy, loop.nanoTime(), bfdReceive, lastReload, namespaces::why);
        List<String> lies = lies();
        lies.addAll(StatusInvariant.sessionLies(snap, resources.lostNamespaces().keySet()));
        if (inbox.heldAhead() == ahead) {
            invariant.report(lies);
        } // else a hold-down went ahead of the loop while the picture was taken: it is already behind
        return snap;
    }

    LoadedConfig config() {
        return config;
    }

    Instant started() {
        return started;
    }

    // ------------------------------------------------------------------ stop

    /**
     * Planned stop, first half: withdraw every service, then watch (every {@link #STOP_POLL},
     * {@link ShutdownGrace}) until every peer has seen it or {@code agent.shutdownGrace} has
     * passed. The future completes then; nothing here waits.
     */
    CompletableFuture<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (stopping) {
            done.complete(null);
            return done;
        }
        Duration grace = config.config().agent().shutdownGrace();
        stopping = true;
        if (maintenancePoll != null) {
            maintenancePoll.cancel();
        }
        if (reconsider != null) {
            reconsider.cancel();
        }
        List<Actuator> pending = new ArrayList<>();
        synchronized (inbox) {
            for (ServiceRuntime s : services.values()) {
                s.withdrawn = true;
                s.reason = "agent stopping";
                for (Actuator a : s.actuators) {
                    a.withdraw("agent stopping");
                    pending.add(a);
                }
            }
            inbox.holdOnDown(Map.of());
        }
        LOG.info("stopping: withdrew {} services; waiting up to {} ms for peers to see it", services.size(),
                grace.toMillis());
        ShutdownGrace.watch(loop, pending, grace, done);
        return done;
    }

    boolean stopping() {
        return stopping;
    }

    /** Stops probing (the resources are closed by the shell). */
    void close() {
        stopping = true;
        if (maintenancePoll != null) {
            maintenancePoll.cancel();
        }
        if (reconsider != null) {
            reconsider.cancel();
        }
        instances.values().forEach(InstanceRuntime::close);
    }

    // ------------------------------------------------------------------ helpers

    static Health health(HealthState s) {
        return switch (s) {
            case STARTING -> Health.STARTING;
            case UP -> Health.UP;
            case DOWN -> Health.DOWN;
        };
    }

    private static DampingSettings damping(AgentSettings.DampingConfig d) {
        return new DampingSettings(d.minHold(), d.penalty(), d.suppress(), d.reuse(), d.halfLife(), d.maxSuppress());
    }

    private static List<HookRunner.Hook> hooks(AgentSettings a) {
        return a.hooks().stream().map(h -> new HookRunner.Hook(h.name(), h.events(), h.command(), h.timeout()))
                .toList();
    }

    /** For tests: the running state of one service. */
    ServiceRuntime service(String name) {
        return services.get(name);
    }

    /** For tests: the running instance. */
    InstanceRuntime instance(String name) {
        return instances.get(name);
    }

    /** For tests: the session keys of a service's native actuators, in order. */
    List<Object> actuatorIds(String service) {
        ServiceRuntime s = services.get(service);
        List<Object> out = new ArrayList<>();
        s.actuators.forEach(a -> out.add(s.identities.get(a)));
        return out;
    }

    /** For tests: the running config's sessions by key. */
    Set<SessionKey> sessionKeys() {
        Set<SessionKey> out = new HashSet<>();
        config.bfdSessions().values().forEach(l -> l.forEach(sc -> out.add(sc.key())));
        return out;
    }
}
