package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.hooks.HookRunner;
import dev.xlatsentinel.agent.policy.Verdict;
import dev.xlatsentinel.agent.status.StatusBuilder;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.health.HealthChange;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's core on a real thread: translator health in, routing actions out. Health
 * changes, drains, the maintenance file and reload commits all land on one thread (the agent
 * loop), where {@link AgentCore} decides and acts; BFD runs on its own event loop, FRR commands
 * on their own thread, hooks on theirs: nothing on the agent loop waits on the network.
 *
 * <p>A reload is a transaction: {@link #prepareReload} plans (on the loop, a pure function of
 * the running config and the new one) and prepares everything new off the loop, without
 * touching what runs; {@link Reload#commit} swaps it in on the loop; {@link Reload#abort} gives
 * it back. docs/agent.md "Reload" tells the operator's side.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Duration LOOP_ANSWER = Duration.ofSeconds(60);

    /**
     * Observers of what the agent does (metrics); calls come from the agent loop or BFD's
     * listener thread, and {@link #heldDown} from the thread that sent the Downs.
     */
    public interface Observer {
        /** Every new verdict: a service withdrawn or released, or only its reason changed. */
        default void verdict(Verdict v) {
        }

        /** A service withdrawn or released: its state changed (not only its reason). */
        default void transition(Verdict v) {
        }

        default void round(String instance, List<ProbeResult> results) {
        }

        default void health(HealthChange change) {
        }

        /**
         * A DOWN's hold-downs were sent ahead of the agent loop: {@code afterDecision} from the
         * decision to the last of its Downs handed to the kernel, {@code fromDecidingThread}
         * when every one left from the deciding thread (else the BFD event loop sent some).
         */
        default void heldDown(String instance, Duration afterDecision, boolean fromDecidingThread) {
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
    private final LiveResources resources;
    private final HookRunner hooks;
    private final List<Observer> observers = new CopyOnWriteArrayList<>();
    private final AgentCore core;
    /** Held by every reload and namespace rebuild: one transaction at a time. */
    private final Object transactions = new Object();
    /** Rebuilds of namespaces created again run here, one at a time, off the agent loop. */
    private final ExecutorService rebuilds = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bfd-rebuild");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean rebuildQueued =
            new java.util.concurrent.atomic.AtomicBoolean();

    private Agent(LoadedConfig config) {
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent");
            t.setDaemon(true);
            return t;
        });
        this.resources = new LiveResources(change -> observers.forEach(o -> o.bfd(change)),
                config.config().agent().bfdRealtimePriority(), config.config().agent().detectionRealtimePriority());
        this.hooks = new HookRunner(List.of());
        this.core = new AgentCore(new LoopScheduler(loop), resources, hooks, observers);
        core.onRebuild(() -> {
            if (rebuildQueued.compareAndSet(false, true)) {
                rebuilds.execute(this::rebuildNamespaces);
            }
        });
    }

    /** The lock every configuration transaction holds (reloads, namespace rebuilds). */
    Object transactions() {
        return transactions;
    }

    /**
     * Rebuilds the native sessions of the namespaces created again in the new namespaces, as a
     * reload of the running config that recreates only them: prepared off the loop (a new
     * engine in the new namespace, the sockets opened there), committed in one step (each
     * session in its service's state: held down while withdrawn), or given back and tried again.
     */
    private void rebuildNamespaces() {
        rebuildQueued.set(false);
        synchronized (transactions) {
            try {
                resources.closeOldEngines(); // any a previous rebuild left (their sessions moved since)
            } catch (IllegalStateException stillRunning) {
                LOG.info("{}", stillRunning.getMessage());
            }
            ReloadPlan plan = null;
            try {
                Object[] planned = onLoop(() -> new Object[] {core.rebuildPlan(), core.running(), core.config()});
                plan = (ReloadPlan) planned[0];
                if (!plan.changesAnything()) {
                    return;
                }
                @SuppressWarnings("unchecked")
                Map<Object, dev.xlatsentinel.agent.action.Actuator> running =
                        (Map<Object, dev.xlatsentinel.agent.action.Actuator>) planned[1];
                PreparedReload p = PreparedReload.prepare(plan, (LoadedConfig) planned[2], running, resources,
                        core::listener, new ReloadTransaction());
                onLoop(() -> core.commit(p));
                LOG.info("BFD rebuilt in namespaces created again: {}", plan.summary());
            } catch (ReloadRejected e) {
                List<String> which = plan == null ? List.of() : plan.namespacesToEnter();
                onLoop(() -> {
                    core.rebuildFailed(which, e.getMessage());
                    return null;
                });
            } catch (RuntimeException e) {
                if (e.getCause() instanceof ReloadRejected || core.stopping()) {
                    return; // stopping: nothing new is started
                }
                LOG.error("rebuilding BFD in namespaces created again failed", e);
            }
        }
    }

    /**
     * Starts everything a checked config describes (a reload from nothing): every service
     * withdrawn until its instances pass rise. Throws (with everything it opened closed) when
     * something cannot start, e.g. a namespace that does not exist.
     */
    public static Agent start(LoadedConfig config) {
        Agent a = new Agent(config);
        try {
            a.prepareReload(config).commit();
        } catch (ReloadRejected e) {
            a.close();
            throw new IllegalStateException(e.getMessage(), e);
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
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
        return resources.frrState();
    }

    /** The agent loop's executor, for the watchdog's heartbeat. */
    public ScheduledExecutorService loop() {
        return loop;
    }

    /** The BFD event loop, for the watchdog's heartbeat. */
    public io.netty.channel.IoEventLoopGroup bfdLoop() {
        return resources.bfdLoop();
    }

    public Instant started() {
        return core.started();
    }

    // ------------------------------------------------------------------ reload

    /**
     * A reload prepared and not committed yet: everything new is open and nothing running has
     * changed. Exactly one of {@link #commit} and {@link #abort} ends it. Pieces of the daemon
     * around the agent (listeners) join the same transaction through {@link #prepare}.
     */
    public final class Reload {
        private final PreparedReload prepared;

        private Reload(PreparedReload prepared) {
            this.prepared = prepared;
        }

        /** The plan, in one line: what changes ({@code no change} when nothing). */
        public String summary() {
            return prepared.plan.summary();
        }

        ReloadPlan plan() {
            return prepared.plan;
        }

        /** Takes one more piece in this transaction (see {@link ReloadTransaction#prepare}). */
        <T> T prepare(String what, ReloadTransaction.Build<T> build, java.util.function.Consumer<T> giveBack)
                throws ReloadRejected {
            return prepared.tx.prepare(what, build, giveBack);
        }

        /**
         * Swaps everything prepared in, in one step on the agent loop, and decides; returns what
         * is left to finish (removed sessions saying AdminDown, old probes stopping).
         */
        public List<FollowUp> commit() {
            return onLoop(() -> core.commit(prepared));
        }

        /** Gives everything prepared back; what runs never saw it. Returns what could not be given back. */
        public List<String> abort() {
            return prepared.tx.abort();
        }
    }

    /**
     * Plans the change from the running config to {@code next} (on the agent loop) and
     * prepares it (on the caller's thread: entering namespaces, opening sockets and probes may
     * take a while, and the agent loop keeps deciding meanwhile). Reloads must not overlap:
     * the caller runs them one at a time.
     *
     * @throws ReloadRejected naming what could not be prepared, with nothing changed
     */
    public Reload prepareReload(LoadedConfig next) throws ReloadRejected {
        Object[] planned;
        try {
            planned = onLoop(() -> new Object[] {core.plan(next), core.running()});
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof ReloadRejected r) {
                throw r;
            }
            // Stopped, or the loop does not answer: nothing was prepared, nothing changed.
            throw new ReloadRejected(e.getMessage(), e);
        }
        ReloadPlan plan = (ReloadPlan) planned[0];
        @SuppressWarnings("unchecked")
        Map<Object, dev.xlatsentinel.agent.action.Actuator> running =
                (Map<Object, dev.xlatsentinel.agent.action.Actuator>) planned[1];
        return new Reload(PreparedReload.prepare(plan, next, running, resources, core::listener,
                new ReloadTransaction()));
    }

    /** Prepares and commits {@code next}; what is left to finish comes back. */
    public List<FollowUp> reload(LoadedConfig next) throws ReloadRejected {
        return prepareReload(next).commit();
    }

    /** Keeps a reload's outcome for status. */
    public void record(ReloadRecord r) {
        onLoop(() -> {
            core.record(r);
            return null;
        });
    }

    /** The running config. */
    public LoadedConfig config() {
        return onLoop(core::config);
    }

    // ------------------------------------------------------------------ operator

    /** Drains one instance ({@code null}: all), e.g. for maintenance. */
    public void drain(String instance, String reason, String who) {
        onLoop(() -> {
            core.drain(instance, reason, who);
            return null;
        });
    }

    /** Ends a drain; returns what still drains it ({@code ""} when nothing), to append to the reply. */
    public String undrain(String instance, String who) {
        return onLoop(() -> core.undrain(instance, who));
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
        return onLoop(core::summary);
    }

    /**
     * Runs {@code use} on the agent loop with the summary of that moment. Everything that
     * publishes the summary (STATUS=) goes through here, so lines reach systemd in the order
     * of the states they describe, without a lock that the loop itself could wait on.
     */
    public void withSummary(java.util.function.Consumer<Summary> use) {
        onLoop(() -> {
            use.accept(core.summary());
            return null;
        });
    }

    /**
     * Nanosecond times (System.nanoTime) at which each instance last finished a probe round,
     * and the longest silence that is still normal for it: read by the watchdog without
     * waiting on any loop.
     */
    public Map<String, long[]> lastRounds() {
        return core.lastRounds();
    }

    /** A consistent picture of everything, for status and metrics. */
    public AgentSnapshot snapshot() {
        return onLoop(() -> core.snapshot(resources.bfdReceive()));
    }

    /** Times a deciding thread at {@code agent.detectionRealtimePriority} was demoted for its CPU use. */
    public long realtimeDemotions() {
        return resources.detection().demotions();
    }

    // ------------------------------------------------------------------ stop

    /**
     * Planned stop (SIGTERM): withdraw every service, wait until every peer has seen it (at
     * most {@code agent.shutdownGrace}), then stop without announcing anything: BFD goes silent
     * instead of sending AdminDown, so the router keeps the routes withdrawn.
     */
    public void stop() {
        try {
            CompletableFuture<Void> seen = onLoop(core::stop);
            Duration grace = onLoop(() -> core.config().config().agent().shutdownGrace());
            seen.get(grace.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("stopping: {}", e.toString());
        }
        close();
    }

    @Override
    public void close() {
        try {
            onLoop(() -> {
                core.close();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.debug("closing: {}", e.toString());
        }
        rebuilds.shutdownNow();
        resources.close();
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
            return loop.submit(task).get(LOOP_ANSWER.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the agent loop did not answer within " + LOOP_ANSWER.toSeconds() + " s",
                    e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the agent is stopped", e);
        }
    }

    /** The agent loop as a {@link Scheduler}: the real clock, tasks on the loop's thread. */
    private static final class LoopScheduler implements Scheduler {
        private final ScheduledExecutorService loop;

        LoopScheduler(ScheduledExecutorService loop) {
            this.loop = loop;
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public Timer schedule(Duration delay, Runnable task) {
            Runnable guarded = () -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("agent loop task failed", e);
                }
            };
            try {
                ScheduledFuture<?> f = loop.schedule(guarded, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return () -> { };
            }
        }
    }
}
