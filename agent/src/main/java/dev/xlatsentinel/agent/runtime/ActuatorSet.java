package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.action.FrrPeerActuator;
import dev.xlatsentinel.agent.action.FrrRouteActuator;
import dev.xlatsentinel.agent.action.NativeBfdActuator;
import dev.xlatsentinel.agent.config.AgentConfig;
import dev.xlatsentinel.agent.config.ServiceConfig;
import dev.xlatsentinel.agent.status.StatusBuilder;
import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.bfd.SessionListener;
import dev.xlatsentinel.bfd.codec.Diagnostic;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything through which the agent tells the router: the BFD engines (one per network
 * namespace, one event loop), the FRR clients and the thread their commands run on, and
 * each service's actuators, kept in step with the config. Used from the agent loop only,
 * except {@link #frrState()}.
 */
final class ActuatorSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ActuatorSet.class);

    private final BfdEngines engines;
    private final ExecutorService frrThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "frr");
        t.setDaemon(true);
        return t;
    });
    private final Map<SessionKey, String> sessionNamespaces = new HashMap<>();
    private volatile FrrBfdd frrBfdd;
    private volatile FrrRoutes frrRoutes;

    /** {@code bfdRealtimePriority}: SCHED_FIFO priority of the BFD event loop, 0 for normal scheduling. */
    ActuatorSet(SessionListener bfdListener, int bfdRealtimePriority) {
        this.engines = new BfdEngines(bfdListener, bfdRealtimePriority);
    }

    io.netty.channel.IoEventLoopGroup bfdLoop() {
        return engines.group();
    }

    /** The network namespace of each native session's sockets (null: the agent's own). */
    Map<SessionKey, String> sessionNamespaces() {
        return sessionNamespaces;
    }

    /** What each BFD engine received and dropped (read from the BFD loop). */
    List<AgentSnapshot.BfdReceive> bfdReceive() {
        List<AgentSnapshot.BfdReceive> out = new ArrayList<>();
        engines.all().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.add(
                new AgentSnapshot.BfdReceive(e.getKey().equals(BfdEngines.OWN) ? null : e.getKey(),
                        e.getValue().receiveQueues(), e.getValue().counters())));
        return out;
    }

    /** Makes a service's actuators match its config; unchanged ones are left alone. */
    void sync(ServiceRuntime s, ServiceConfig cfg, List<SessionConfig> sessions, AgentConfig c) {
        Map<Object, Actuator> existing = new LinkedHashMap<>();
        for (Actuator a : s.actuators) {
            existing.put(identity(a), a);
        }
        List<Actuator> next = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            SessionConfig sc = sessions.get(i);
            String ns = cfg.bfd().get(i).namespace();
            Actuator old = existing.remove(sc.key());
            if (old instanceof NativeBfdActuator n && Objects.equals(sessionNamespaces.get(sc.key()), ns)) {
                SessionConfig running = n.session().config();
                if (sameExceptTimersAndKeys(running, sc)) {
                    if (!sameTimers(running, sc)) {
                        LOG.info("{}: timers changed, applied through a Poll", n.describe());
                        n.session().updateTimers(Duration.ofNanos(sc.desiredMinTxMicros() * 1000),
                                Duration.ofNanos(sc.requiredMinRxMicros() * 1000), sc.detectMult());
                    }
                    if (!running.auth().equals(sc.auth())) {
                        KeyChange.log(n.describe(), running.auth(), sc.auth());
                        n.session().updateAuth(sc.auth());
                    }
                    next.add(n);
                    continue;
                }
                if (running.auth().type() != sc.auth().type()) {
                    LOG.info("{}: authentication type changed from {} to {}: the session is recreated (a type cannot"
                            + " change live; the router must switch type too)", n.describe(), running.auth().type(),
                            sc.auth().type());
                } else {
                    LOG.info("{}: settings other than timers changed: the session is recreated", n.describe());
                }
                // The key stays taken until the removal (AdminDown for a detection time) is done.
                removeAndWait(n);
            } else if (old != null) {
                removeAndWait(old);
            }
            BfdEngine engine = engines.engine(ns);
            // Held down from its first packet: a new session never brings the route up unproven.
            BfdSession session = engine.addSession(sc, s.withdrawn ? Diagnostic.PATH_DOWN : null);
            sessionNamespaces.put(sc.key(), ns);
            NativeBfdActuator a = new NativeBfdActuator(session);
            next.add(a);
        }
        for (BfdPeerSpec p : cfg.frrPeers()) {
            Actuator old = existing.remove(p.key());
            if (old instanceof FrrPeerActuator f && f.spec().equals(p)) {
                next.add(f);
                continue;
            }
            // A changed peer is ensured again in its current shut/no-shut state (bfdd applies only the difference).
            next.add(new FrrPeerActuator(frrBfdd(c), p, s.withdrawn, frrThread));
        }
        for (RouteSpec r : cfg.frrRoutes()) {
            Actuator old = existing.remove(r);
            if (old != null) {
                next.add(old);
                continue;
            }
            FrrRouteActuator a = new FrrRouteActuator(frrRoutes(c), r, frrThread);
            s.applyTo(a);
            next.add(a);
        }
        existing.values().forEach(this::close);
        s.actuators.clear();
        s.actuators.addAll(next);
    }

    private static Object identity(Actuator a) {
        if (a instanceof NativeBfdActuator n) {
            return n.session().key();
        }
        if (a instanceof FrrPeerActuator f) {
            return f.spec().key();
        }
        return ((FrrRouteActuator) a).route();
    }

    private void removeAndWait(Actuator a) {
        close(a);
        if (a instanceof NativeBfdActuator n) {
            try {
                n.removal().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the old session " + n.describe() + " was not removed: " + e, e);
            }
        }
    }

    /** Removes an actuator (the service or this part of it is gone). */
    void close(Actuator a) {
        if (a instanceof NativeBfdActuator n) {
            sessionNamespaces.remove(n.session().key());
        }
        LOG.info("{}: removed", a.describe());
        a.close();
    }

    private static boolean sameTimers(SessionConfig a, SessionConfig b) {
        return a.desiredMinTxMicros() == b.desiredMinTxMicros() && a.requiredMinRxMicros() == b.requiredMinRxMicros()
                && a.detectMult() == b.detectMult();
    }

    /** What a live session can take: timers (through a Poll) and keys of the same auth type. */
    private static boolean sameExceptTimersAndKeys(SessionConfig a, SessionConfig b) {
        return a.key().equals(b.key()) && a.passive() == b.passive() && a.minTtl() == b.minTtl()
                && a.dscp() == b.dscp() && a.auth().type() == b.auth().type();
    }

    private FrrBfdd frrBfdd(AgentConfig c) {
        if (frrBfdd == null) {
            AgentConfig.FrrSettings f = c.frr();
            frrBfdd = FrrBfdd.open(new FrrBfddConfig(new VtyEndpoint(f.vtyDir(), "bfdd"), vty(f), f.pollInterval()));
        }
        return frrBfdd;
    }

    private FrrRoutes frrRoutes(AgentConfig c) {
        if (frrRoutes == null) {
            frrRoutes = FrrRoutes.open(new FrrRoutesConfig(c.frr().vtyDir(), vty(c.frr()), null));
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

    /** Stops BFD silently (no AdminDown: the router keeps withdrawn routes withdrawn) and FRR's clients. */
    @Override
    public void close() {
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
