package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.action.PreparedActuator;
import dev.xlatsentinel.agent.config.AgentConfig;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.health.HealthListener;
import java.util.concurrent.CompletableFuture;

/**
 * What the agent's core builds with and acts through: translator probes, BFD sessions and
 * their engines, FRR clients. The core decides; this does the I/O. Prepare methods may block
 * and may fail and run off the agent loop (a reload's prepare step); what they return becomes
 * live at the commit, on the agent loop, or is given back. Production: {@link LiveResources};
 * the core's unit tests use a twin on a manual clock.
 */
interface Resources extends AutoCloseable {
    /** Builds an instance's probes (namespaces entered, sockets opened); nothing runs until started. */
    InstanceRuntime instance(String name, InstanceSpec spec, HealthListener listener);

    /**
     * Makes sure sessions can live in {@code namespace} (null: the agent's own): enters it and
     * starts its BFD engine if none runs there yet. Returns what gives it back: the engine
     * this call started is stopped again if no session uses it.
     */
    Runnable enterNamespace(String namespace);

    /**
     * Opens everything a native session needs (its interface, its local address bound, its
     * socket options) in {@code namespace}'s engine, without starting it. {@code replacing}
     * (nullable): the running session it takes the place of at commit.
     */
    PreparedActuator session(SessionConfig config, String namespace, Actuator replacing);

    /**
     * Applies what a running session can take (timers through a Poll, keys of the same type).
     * Called on the agent loop; the future fails if the session refused it.
     */
    CompletableFuture<Void> update(Actuator session, SessionConfig next);

    /** An FRR bfdd peer, through the bfdd client (opened here when first needed). */
    PreparedActuator frrPeer(BfdPeerSpec spec, AgentConfig.FrrSettings frr);

    /** An FRR route, through the routes client (opened here when first needed). */
    PreparedActuator frrRoute(RouteSpec route, AgentConfig.FrrSettings frr);

    /**
     * The namespaces of running BFD engines that their name no longer names (deleted, or
     * deleted and created again), by name; looked up now (a stat per namespace).
     */
    default java.util.Map<String, NamespaceWatch.Lost> lostNamespaces() {
        return java.util.Map.of();
    }

    /** Runs {@code look} (on any thread) when a namespace a BFD engine entered by name may have changed. */
    default void onNamespaceChange(Runnable look) {
    }

    /**
     * Closes the BFD engines whose sessions a commit moved into a namespace created again
     * (blocking; call it off the agent loop).
     */
    default void closeOldEngines() {
    }

    /** Stops everything silently (no AdminDown: the router keeps withdrawn routes withdrawn). */
    @Override
    void close();
}
