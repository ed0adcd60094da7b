package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.config.AgentConfig;
import dev.xlatsentinel.agent.config.AgentSettings;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.config.ServiceConfig;
import dev.xlatsentinel.agent.hooks.HookRunner;
import dev.xlatsentinel.agent.policy.DampingSettings;
import dev.xlatsentinel.agent.policy.Health;
import dev.xlatsentinel.agent.policy.Policy;
import dev.xlatsentinel.agent.policy.Verdict;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.agent.status.StatusBuilder;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.health.HealthChange;
import dev.xlatsentinel.translator.health.HealthListener;
import dev.xlatsentinel.translator.health.HealthState;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.platform.time.SystemScheduler;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: translator health in, routing actions out. Health changes, drains, the
 * maintenance file and reloads all land on one thread (the agent loop), where the
 * {@link Policy} decides and each verdict is applied to the service's actuators and logged
 * with its reason. BFD runs on its own event loop; FRR commands on their own thread; hooks
 * on theirs: nothing here waits on the network.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Duration MAINTENANCE_POLL = Duration.ofMillis(250);

    /** Observers of what the agent does (metrics); all calls come from the agent loop or BFD's listener thread. */
    public interface Observer {
        default void verdict(Verdict v) {
        }

        default void round(String instance, List<ProbeResult> results) {
        }

        default void health(HealthChange change) {
        }

        default void bfd(StateChange change) {
        }

        /**
         * A config was applied: the instances, services and native sessions (peer and local
         * address, RFC 5952) it has now. Whatever was kept for others can go.
         */
        default void configured(java.util.Set<String> instances, java.util.Set<String> services,
                java.util.Set<List<String>> sessions) {
        }
    }

    private final ScheduledExecutorService loop;
    private final SystemScheduler healthScheduler;
    private final ActuatorSet actuators;
    private final HookRunner hooks;
    private final Policy policy;
    private final Instant started = Instant.now();
    private final List<Observer> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Long> lastRound = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> roundLimit = new java.util.concurrent.ConcurrentHashMap<>();

    // Owned by the agent loop.
    private LoadedConfig config;
    private Instant configLoaded;
    private final Map<String, InstanceRuntime> instances = new LinkedHashMap<>();
    private final Map<String, ServiceRuntime> services = new LinkedHashMap<>();
    private ScheduledFuture<?> reconsider;
    private ScheduledFuture<?> maintenancePoll;
    private boolean maintenance;
    private volatile boolean stopping;

    private Agent(LoadedConfig config) {
        this.config = config;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent");
            t.setDaemon(true);
            return t;
        });
        this.healthScheduler = new SystemScheduler("probes");
        this.actuators = new ActuatorSet(this::onBfd, config.config().agent().bfdRealtimePriority());
        this.hooks = new HookRunner(hooks(config.config().agent()));
        this.policy = new Policy(damping(config.config().agent().damping()));
    }

    /**
     * Starts everything a checked config describes: every service withdrawn until its
     * instances pass rise. Throws (with everything it opened closed) when something cannot
     * start, e.g. a namespace that does not exist.
     */
    public static Agent start(LoadedConfig config) {
        Agent a = new Agent(config);
        try {
            a.onLoop(() -> {
                a.apply(config, true);
                return null;
            });
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
        a.maintenancePoll = a.loop.scheduleWithFixedDelay(a::checkMaintenance, 0, MAINTENANCE_POLL.toMillis(),
                TimeUnit.MILLISECONDS);
        return a;
    }

    public void addObserver(Observer o) {
        observers.add(o);
    }

    public void removeObserver(Observer o) {
        observers.remove(o);
    }

    /** What FRR says now about the peers and routes the agent drives (blocking; call it off the agent loop). */
    public StatusBuilder.FrrState frrState() {
        return actuators.frrState();
    }

    /** The agent loop's executor, for the watchdog's heartbeat. */
    public ScheduledExecutorService loop() {
        return loop;
    }

    /** The BFD event loop, for the watchdog's heartbeat. */
    public io.netty.channel.IoEventLoopGroup bfdLoop() {
        return actuators.bfdLoop();
    }

    public Instant started() {
        return started;
    }

    // ------------------------------------------------------------------ reload

    /**
     * Applies a new checked config: what did not change keeps running untouched (no session
     * flaps); changed timers go through a Poll; new things start withdrawn; removed things are
     * removed. When the new config cannot be applied (a probe namespace missing, ...) nothing
     * changes and the exception says why.
     */
    public void reload(LoadedConfig next) {
        onLoop(() -> {
            apply(next, false);
            return null;
        });
    }

    private void apply(LoadedConfig next, boolean first) {
        AgentConfig c = next.config();
        // 1. Build what is new or changed, without touching what runs. Undo it all on failure.
        Map<String, InstanceRuntime> built = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, InstanceSpec> e : c.instances().entrySet()) {
                InstanceRuntime old = instances.get(e.getKey());
                if (old == null || !old.spec().equals(e.getValue())) {
                    built.put(e.getKey(), InstanceRuntime.build(e.getKey(), e.getValue(), healthScheduler,
                            healthListener()));
                }
            }
        } catch (RuntimeException e) {
            built.values().forEach(InstanceRuntime::close);
            throw new IllegalStateException("cannot start instance probes: " + e.getMessage(), e);
        }
        // The longest normal silence between two rounds of an instance (for the watchdog).
        c.instances().forEach((name, spec) -> {
            var p = spec.health().policy();
            roundLimit.put(name, p.interval().plus(p.timeout()).multipliedBy(3).plusSeconds(5).toNanos());
            lastRound.putIfAbsent(name, System.nanoTime());
        });
        // 2. Commit: instances.
        List<String> gone = new ArrayList<>(instances.keySet());
        gone.removeAll(c.instances().keySet());
        for (String name : gone) {
            lastRound.remove(name);
            roundLimit.remove(name);
            instances.remove(name).close();
            LOG.info("instance {} removed", name);
        }
        for (Map.Entry<String, InstanceRuntime> e : built.entrySet()) {
            InstanceRuntime old = instances.put(e.getKey(), e.getValue());
            if (old != null) {
                old.close();
                LOG.info("instance {} changed: probes rebuilt, STARTING until rise", e.getKey());
            } else if (!first) {
                LOG.info("instance {} added", e.getKey());
            }
        }
        long now = System.nanoTime();
        Map<String, List<String>> deps = new LinkedHashMap<>();
        c.services().forEach((name, s) -> deps.put(name, s.dependsOn()));
        // A changed instance is STARTING again: tell the policy before it re-evaluates.
        policy.define(List.copyOf(c.instances().keySet()), deps, now);
        for (String name : built.keySet()) {
            policy.health(name, Health.STARTING, "probes (re)built", now);
        }
        policy.damping(damping(c.agent().damping()));
        // 3. Services and their actuators.
        List<String> goneServices = new ArrayList<>(services.keySet());
        goneServices.removeAll(c.services().keySet());
        for (String name : goneServices) {
            ServiceRuntime s = services.remove(name);
            s.actuators.forEach(actuators::close);
            LOG.info("service {} removed", name);
        }
        for (Map.Entry<String, ServiceConfig> e : c.services().entrySet()) {
            ServiceRuntime s = services.get(e.getKey());
            if (s == null) {
                s = new ServiceRuntime(e.getKey(), e.getValue(), Instant.now());
                services.put(e.getKey(), s);
                if (!first) {
                    LOG.info("service {} added (withdrawn until its instances are UP)", e.getKey());
                }
            }
            actuators.sync(s, e.getValue(), next.bfdSessions().getOrDefault(e.getKey(), List.of()), c);
            s.config = e.getValue();
        }
        hooks.hooks(hooks(c.agent()));
        this.config = next;
        java.util.Set<List<String>> sessionAddresses = new java.util.HashSet<>();
        next.bfdSessions().values().forEach(l -> l.forEach(sc -> sessionAddresses.add(List.of(
                dev.xlatsentinel.agent.status.StatusBuilder.addr(sc.peer()),
                dev.xlatsentinel.agent.status.StatusBuilder.addr(sc.local())))));
        observers.forEach(o -> o.configured(java.util.Set.copyOf(c.instances().keySet()),
                java.util.Set.copyOf(c.services().keySet()), sessionAddresses));
        this.configLoaded = Instant.now();
        // 4. Start the new probes, then decide.
        built.values().forEach(InstanceRuntime::start);
        evaluate();
        if (!first) {
            LOG.info("reloaded {}: {} instances ({} rebuilt), {} services", next.file(), instances.size(),
                    built.size(), services.size());
        }
    }

    // ------------------------------------------------------------------ events

    private HealthListener healthListener() {
        return new HealthListener() {
            @Override
            public void onChange(HealthChange change) {
                observers.forEach(o -> o.health(change));
                loop.execute(() -> onHealth(change));
            }

            @Override
            public void onRound(String instance, List<ProbeResult> results) {
                lastRound.put(instance, System.nanoTime());
                observers.forEach(o -> o.round(instance, results));
            }
        };
    }

    private void onHealth(HealthChange change) {
        InstanceRuntime i = instances.get(change.instance());
        if (i == null || stopping) {
            return; // removed by a reload meanwhile
        }
        policy.health(change.instance(), health(change.to()), change.reason(), System.nanoTime());
        hooks.fire("health", Map.of("XLAT_INSTANCE", change.instance(), "XLAT_STATE", change.to().name(),
                "XLAT_PREVIOUS", change.from().name(), "XLAT_REASON", change.reason(), "XLAT_TIME",
                change.at().toString()));
        evaluate();
    }

    private void onBfd(StateChange change) {
        observers.forEach(o -> o.bfd(change));
    }

    /** Decides every service and acts on each verdict; re-arms the timer for holds and suppressions. */
    private void evaluate() {
        if (stopping) {
            return;
        }
        long now = System.nanoTime();
        for (Verdict v : policy.evaluate(now)) {
            ServiceRuntime s = services.get(v.service());
            if (s == null) {
                continue;
            }
            boolean changed = s.withdrawn != v.withdraw();
            s.withdrawn = v.withdraw();
            s.reason = v.reason();
            if (changed) {
                s.since = Instant.now();
            }
            List<String> actions = new ArrayList<>();
            for (Actuator a : s.actuators) {
                s.applyTo(a);
                actions.add((v.withdraw() ? "withdraw " : "release ") + a.describe());
            }
            String what = v.withdraw() ? (changed ? "WITHDRAWN" : "still withdrawn") : "RELEASED";
            LOG.info("service {} {}: {} -> {}{}", s.name, what, v.reason(), String.join(", ", actions),
                    v.withdraw() ? " (diag path-down)" : "");
            observers.forEach(o -> o.verdict(v));
            if (changed) {
                hooks.fire(v.withdraw() ? "withdraw" : "release", Map.of("XLAT_SERVICE", s.name, "XLAT_STATE",
                        v.withdraw() ? "withdrawn" : "announced", "XLAT_REASON", v.reason(), "XLAT_TIME",
                        s.since.toString()));
            }
        }
        if (reconsider != null) {
            reconsider.cancel(false);
        }
        long at = policy.nextReconsideration(now);
        if (at != Long.MAX_VALUE) {
            reconsider = loop.schedule(this::evaluate, Math.max(0, at - now), TimeUnit.NANOSECONDS);
        }
    }

    private void checkMaintenance() {
        boolean present = Files.exists(config.config().agent().maintenanceFile());
        if (present != maintenance) {
            maintenance = present;
            LOG.info("maintenance file {} {}", config.config().agent().maintenanceFile(),
                    present ? "appeared: draining every instance" : "removed");
            policy.maintenance(present ? config.config().agent().maintenanceFile().toString() : null);
            evaluate();
        }
    }

    // ------------------------------------------------------------------ operator

    /** Drains one instance ({@code null}: all), e.g. for maintenance; returns what it withdrew. */
    public void drain(String instance, String reason, String who) {
        onLoop(() -> {
            requireInstance(instance);
            policy.drain(instance, reason);
            LOG.info("{} drained by {}: {}", instance == null ? "every instance" : "instance " + instance, who,
                    reason);
            evaluate();
            return null;
        });
    }

    public void undrain(String instance, String who) {
        onLoop(() -> {
            requireInstance(instance);
            policy.undrain(instance);
            LOG.info("{} undrained by {}", instance == null ? "every instance" : "instance " + instance, who);
            evaluate();
            return null;
        });
    }

    private void requireInstance(String instance) {
        if (instance != null && !instances.containsKey(instance)) {
            throw new IllegalArgumentException("no instance '" + instance + "' (instances: " + String.join(", ",
                    instances.keySet()) + ")");
        }
    }

    /** Counts for the one-line status (STATUS=, logs): agent-loop state only, never the BFD loop. */
    public record Summary(int instancesUp, int instances, int servicesAnnounced, int services) {
        @Override
        public String toString() {
            return instancesUp + "/" + instances + " instances UP, " + servicesAnnounced + "/" + services
                    + " services announced";
        }
    }

    public Summary summary() {
        return onLoop(this::summaryNow);
    }

    /**
     * Runs {@code use} on the agent loop with the summary of that moment. Everything that
     * publishes the summary (STATUS=) goes through here, so lines reach systemd in the order
     * of the states they describe, without a lock that the loop itself could wait on.
     */
    public void withSummary(java.util.function.Consumer<Summary> use) {
        onLoop(() -> {
            use.accept(summaryNow());
            return null;
        });
    }

    private Summary summaryNow() {
        return new Summary((int) instances.values().stream().filter(i -> i.health().state().isUp()).count(),
                instances.size(), (int) services.values().stream().filter(s -> !s.withdrawn).count(),
                services.size());
    }

    /**
     * Nanosecond times (System.nanoTime) at which each instance last finished a probe round,
     * and the longest silence that is still normal for it: read by the watchdog without
     * waiting on any loop.
     */
    public Map<String, long[]> lastRounds() {
        Map<String, long[]> out = new HashMap<>();
        lastRound.forEach((name, at) -> {
            Long limit = roundLimit.get(name);
            out.put(name, new long[] {at, limit == null ? Long.MAX_VALUE : limit});
        });
        return out;
    }

    /** A consistent picture of everything, for status and metrics. */
    public AgentSnapshot snapshot() {
        return onLoop(() -> new AgentSnapshot(config, configLoaded, started, maintenance, instances, services,
                policy, actuators.sessionNamespaces(), actuators.bfdReceive()));
    }

    // ------------------------------------------------------------------ stop

    /**
     * Planned stop (SIGTERM): withdraw every service, wait until every peer has seen it (at
     * most {@code agent.shutdownGrace}), then stop without announcing anything: BFD goes silent
     * instead of sending AdminDown, so the router keeps the routes withdrawn.
     */
    public void stop() {
        if (stopping) {
            return;
        }
        Duration grace = config.config().agent().shutdownGrace();
        long start = System.nanoTime();
        List<Actuator> all = onLoop(() -> {
            stopping = true;
            List<Actuator> acts = new ArrayList<>();
            for (ServiceRuntime s : services.values()) {
                s.withdrawn = true;
                s.reason = "agent stopping";
                for (Actuator a : s.actuators) {
                    a.withdraw("agent stopping");
                    acts.add(a);
                }
            }
            LOG.info("stopping: withdrew {} services; waiting up to {} ms for peers to see it", services.size(),
                    grace.toMillis());
            return acts;
        });
        long deadline = start + grace.toNanos();
        List<Actuator> pending = new ArrayList<>(all);
        while (!pending.isEmpty() && System.nanoTime() - deadline < 0) {
            pending.removeIf(Actuator::withdrawalSeen);
            if (!pending.isEmpty()) {
                sleep(5);
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (pending.isEmpty()) {
            LOG.info("stopping: every peer saw the withdrawal in {} ms", ms);
        } else {
            LOG.warn("stopping: {} not confirmed after {} ms: {}", pending.size(), ms,
                    pending.stream().map(Actuator::describe).toList());
        }
        close();
    }

    @Override
    public void close() {
        stopping = true;
        if (maintenancePoll != null) {
            maintenancePoll.cancel(false);
        }
        instances.values().forEach(InstanceRuntime::close);
        healthScheduler.close();
        actuators.close();
        hooks.close();
        loop.shutdownNow();
    }

    // ------------------------------------------------------------------ helpers

    /** Runs {@code task} on the agent loop and waits for it; exceptions come back as they were. */
    private <T> T onLoop(Callable<T> task) {
        if (Thread.currentThread().getName().equals("agent")) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return loop.submit(task).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the agent loop did not answer within 60 s", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

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
}
