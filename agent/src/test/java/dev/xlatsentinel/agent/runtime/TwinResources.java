package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.action.PreparedActuator;
import dev.xlatsentinel.agent.config.AgentConfig;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.health.HealthChange;
import dev.xlatsentinel.translator.health.HealthListener;
import dev.xlatsentinel.translator.health.HealthState;
import dev.xlatsentinel.translator.health.HealthStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The core's {@link Resources} for unit tests, on a {@link ManualClock}: what the real ones
 * would open is counted, what they would refuse (a namespace, an interface or a local address
 * that is not there) is refused the same way, health is set by the test, and a removed
 * session says AdminDown for a detection time of the manual clock. It keeps the facts a test
 * asserts: which sockets are open, which sessions run, what each was told.
 */
final class TwinResources implements Resources {
    final ManualClock clock;
    /** Namespaces that exist (null: the agent's own always does). */
    final Set<String> namespaces = new HashSet<>();
    /** Interfaces that exist, as "namespace/ifname" ("/eth0" for the agent's own). */
    final Set<String> interfaces = new HashSet<>();
    /** Local addresses that can be bound, as "namespace/address". */
    final Set<String> locals = new HashSet<>();
    /** Engines running per namespace ("" for our own). */
    final Set<String> engines = new HashSet<>();
    /** Sockets opened by prepare and not closed, by session key. */
    final List<SessionKey> openSockets = new ArrayList<>();
    /** Every session made live, in order. */
    final List<TwinSession> sessions = new ArrayList<>();
    /** Instances built, by name (the latest). */
    final Map<String, TwinInstance> instances = new LinkedHashMap<>();
    final List<TwinInstance> allInstances = new ArrayList<>();
    /** How long a removed session says AdminDown before it is gone. */
    Duration adminDownFor = Duration.ofSeconds(3);
    /** Makes removals fail after the AdminDown time with this message (null: they succeed). */
    String removalFailure;
    /** Makes a piece fail in prepare: what it is -> the message (null: fine). */
    Function<String, String> failPrepare = what -> null;

    TwinResources(ManualClock clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------------ instances

    /** An instance whose health the test sets. */
    final class TwinInstance implements InstanceRuntime {
        final String name;
        final InstanceSpec spec;
        final HealthListener listener;
        HealthState state = HealthState.STARTING;
        boolean started;
        boolean closed;
        /** What {@link #stale()} says (a namespace created again under its name). */
        String stale;

        TwinInstance(String name, InstanceSpec spec, HealthListener listener) {
            this.name = name;
            this.spec = spec;
            this.listener = listener;
        }

        @Override
        public InstanceSpec spec() {
            return spec;
        }

        @Override
        public HealthStatus status() {
            return new HealthStatus(name, state, clock.now(), 0, 0, 0, List.of(), null, 0, 0, 0, Duration.ZERO,
                    Duration.ZERO);
        }

        @Override
        public String stale() {
            return stale;
        }

        @Override
        public void start() {
            started = true;
        }

        @Override
        public void close() {
            closed = true;
        }

        /** The probes decided: the change reaches the agent loop (run it with the clock). */
        void health(HealthState to) {
            HealthState from = state;
            state = to;
            listener.onChange(new HealthChange(name, from, to, clock.now(), "the test says " + to, List.of()));
        }
    }

    @Override
    public InstanceRuntime instance(String name, InstanceSpec spec, HealthListener listener) {
        refuseIf("instance " + name);
        TwinInstance i = new TwinInstance(name, spec, listener);
        instances.put(name, i);
        allInstances.add(i);
        return i;
    }

    // ------------------------------------------------------------------ sessions

    @Override
    public Runnable enterNamespace(String namespace) {
        String key = namespace == null ? "" : namespace;
        if (namespace != null && !namespaces.contains(namespace)) {
            throw new IllegalArgumentException("network namespace " + namespace + " does not exist (no /run/netns/"
                    + namespace + ")");
        }
        if (engines.contains(key)) {
            return () -> { };
        }
        engines.add(key);
        return () -> {
            if (sessions.stream().noneMatch(s -> s.live() && key.equals(s.namespace == null ? "" : s.namespace))) {
                engines.remove(key);
            }
        };
    }

    @Override
    public PreparedActuator session(SessionConfig config, String namespace, Actuator replacing) {
        String ns = namespace == null ? "" : namespace;
        if (!engines.contains(ns)) {
            throw new IllegalStateException("no engine in " + ns + ": the namespace was not entered");
        }
        if (config.iface() != null && !interfaces.contains(ns + "/" + config.iface())) {
            throw new IllegalArgumentException("iface: no interface '" + config.iface() + "' in the namespace");
        }
        String local = dev.xlatsentinel.platform.net.IpAddresses.text(config.local());
        if (!locals.contains(ns + "/" + local)) {
            throw new IllegalArgumentException("local: cannot send from " + local + ": Cannot assign requested address");
        }
        for (TwinSession s : sessions) {
            if (s.live() && !s.removing && s.config.key().equals(config.key()) && s != replacing) {
                throw new IllegalArgumentException("peer: duplicate session key " + config.key());
            }
            // As the engine: the same addresses on another interface could not be told apart.
            SessionKey k = s.config.key();
            if (s.live() && s != replacing && !k.equals(config.key()) && k.hop() == config.key().hop()
                    && k.peer().equals(config.peer()) && k.local().equals(config.local())
                    && java.util.Objects.equals(s.namespace, namespace)) {
                throw new IllegalArgumentException("peer: a session to " + config.key().peer().getHostAddress()
                        + " from " + local + " exists on another interface; packets could not be told apart");
            }
        }
        refuseIf("bfd " + config.key());
        openSockets.add(config.key());
        return new PreparedActuator() {
            @Override
            public String describe() {
                return "bfd " + config.key();
            }

            @Override
            public Actuator commit(boolean withdrawn, String reason) {
                if (replacing instanceof TwinSession old) {
                    // Dropped in the same step, without AdminDown (as NativeBfdActuator's commit).
                    old.replaced = true;
                    old.standing = Actuator.Standing.REMOVED;
                    old.removal = CompletableFuture.completedFuture(null);
                    openSockets.remove(old.config.key());
                }
                TwinSession s = new TwinSession(config, namespace, withdrawn);
                sessions.add(s);
                return s;
            }

            @Override
            public void abort() {
                openSockets.remove(config.key());
            }
        };
    }

    /** A live session as the test sees it. */
    final class TwinSession implements Actuator {
        SessionConfig config;
        final String namespace;
        Actuator.Standing standing;
        boolean held;
        boolean removing;
        boolean gone;
        boolean replaced;
        /** Whether the peer has seen our Down (for the stop grace). */
        boolean peerSawDown = true;
        CompletableFuture<Void> removal;
        final List<SessionConfig> updates = new ArrayList<>();
        /** What it was told, in order ("withdraw", "release"): what its BFD event loop would run. */
        final List<String> told = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Runs once, inside the next withdraw (before it is recorded), on the thread that withdraws. */
        volatile Runnable onNextWithdraw;

        TwinSession(SessionConfig config, String namespace, boolean withdrawn) {
            this.config = config;
            this.namespace = namespace;
            this.held = withdrawn;
            this.standing = withdrawn ? Standing.WITHDRAWN : Standing.RELEASED;
        }

        boolean live() {
            return !gone && !replaced;
        }

        @Override
        public String describe() {
            return "bfd " + config.key();
        }

        /** As a native session: a DOWN holds it on the deciding thread, ahead of the loop. */
        @Override
        public boolean withdrawsFromAnyThread() {
            return true;
        }

        @Override
        public CompletableFuture<Void> withdrawFromAnyThread(String reason) {
            withdraw(reason);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void withdraw(String reason) {
            check();
            Runnable hook = onNextWithdraw;
            if (hook != null) {
                onNextWithdraw = null;
                hook.run();
            }
            held = true;
            standing = Standing.WITHDRAWN;
            told.add("withdraw");
        }

        @Override
        public void release() {
            check();
            held = false;
            standing = Standing.RELEASED;
            told.add("release");
        }

        private void check() {
            if (!live() || removing) {
                throw new IllegalStateException(describe() + " was removed");
            }
        }

        @Override
        public boolean withdrawalSeen() {
            return peerSawDown;
        }

        @Override
        public Standing standing() {
            return standing;
        }

        @Override
        public CompletableFuture<Void> remove() {
            if (removal == null) {
                removing = true;
                standing = Standing.REMOVED;
                removal = new CompletableFuture<>();
                String failure = removalFailure;
                clock.schedule(adminDownFor, () -> {
                    if (failure != null) {
                        removal.completeExceptionally(new IllegalStateException(failure));
                        return;
                    }
                    gone = true;
                    openSockets.remove(config.key());
                    removal.complete(null);
                });
            }
            return removal;
        }
    }

    @Override
    public CompletableFuture<Void> update(Actuator session, SessionConfig next) {
        TwinSession s = (TwinSession) session;
        s.updates.add(next);
        s.config = next;
        return CompletableFuture.completedFuture(null);
    }

    /** Sessions live now (not removed, not replaced), by key. */
    Map<SessionKey, TwinSession> live() {
        Map<SessionKey, TwinSession> out = new LinkedHashMap<>();
        sessions.stream().filter(s -> s.live() && !s.removing).forEach(s -> out.put(s.config.key(), s));
        return out;
    }

    // ------------------------------------------------------------------ FRR (not used by these tests)

    @Override
    public PreparedActuator frrPeer(BfdPeerSpec spec, AgentConfig.FrrSettings frr) {
        throw new UnsupportedOperationException("FRR is tested in FrrModeIT");
    }

    @Override
    public PreparedActuator frrRoute(RouteSpec route, AgentConfig.FrrSettings frr) {
        throw new UnsupportedOperationException("FRR is tested in FrrModeIT");
    }

    private void refuseIf(String what) {
        String why = failPrepare.apply(what);
        if (why != null) {
            throw new IllegalStateException(why);
        }
    }

    @Override
    public void close() {
        instances.values().forEach(TwinInstance::close);
    }
}
