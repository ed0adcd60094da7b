package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.translator.health.HealthChange;
import dev.xlatsentinel.translator.health.HealthState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health changes on their way from the threads that decide them (probe rounds, kernel events)
 * to the agent loop, in the order they were decided; and the hold-downs that go ahead of the
 * loop (issue 16: decision to wire).
 *
 * <p>A DOWN withdraws every service that depends on the instance whatever else holds (the
 * policy has no exception: drains, damping and the minimum hold only add reasons to
 * withdraw). So the deciding thread holds those services' native BFD sessions down itself,
 * at once, instead of waking the agent loop to do it; the loop then takes the change as
 * before and records the decision, status, metrics and hooks.
 *
 * <p>Order: everything the loop does to actuators it does holding this object's lock, after
 * taking every change queued here ({@link #take}); the deciding thread queues a change and
 * holds its sessions down under the same lock ({@link #offer}). A session's actions apply in
 * the order they were made (a hold-down sent from the deciding thread overtakes no action
 * still waiting for the BFD event loop), so a release can never overtake a hold-down:
 * whatever the loop releases, it releases knowing every DOWN that went ahead of it.
 */
final class HealthInbox {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /** One change, with the instance that decided it (a reload may have replaced it since). */
    record Entry(InstanceRuntime from, HealthChange change) {
    }

    // Guarded by this.
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private Map<InstanceRuntime, List<Actuator>> holdOnDown = Map.of();
    private long heldAhead;

    /**
     * Deciding thread: queues {@code change} of {@code from}; on a DOWN first holds down the
     * sessions the loop last said to hold when {@code from} goes DOWN. Never blocks on the
     * network (a hold-down is one send(2) from this thread, or posted to the BFD event loop when
     * that is busy). Returns when those hold-downs are
     * done (their Down sent), or null when there were none.
     */
    synchronized CompletableFuture<Void> offer(InstanceRuntime from, HealthChange change) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        if (change.to() == HealthState.DOWN && from != null) {
            for (Actuator a : holdOnDown.getOrDefault(from, List.of())) {
                try {
                    sent.add(a.withdrawFromAnyThread("instance " + change.instance() + " DOWN"));
                    heldAhead++;
                } catch (RuntimeException e) {
                    // Its engine is closing or the session is being removed: the loop sees it too.
                    LOG.debug("{}: hold-down ahead of the agent loop failed: {}", a.describe(), e.toString());
                }
            }
        }
        queue.add(new Entry(from, change));
        // No method reference: its class would be made here on the first DOWN of the agent's life.
        return sent.isEmpty() ? null : CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
    }

    /** Loop, holding this lock: every change queued so far, oldest first. */
    List<Entry> take() {
        List<Entry> out = new ArrayList<>(queue);
        queue.clear();
        return out;
    }

    /** Whether changes wait for the loop. */
    synchronized boolean pending() {
        return !queue.isEmpty();
    }

    /**
     * Loop, holding this lock: per instance, the actuators to hold down ahead of the loop when
     * it goes DOWN (those of its services shown announced that can withdraw from any thread).
     */
    void holdOnDown(Map<InstanceRuntime, List<Actuator>> next) {
        Map<InstanceRuntime, List<Actuator>> copy = new IdentityHashMap<>();
        next.forEach((i, l) -> copy.put(i, List.copyOf(l)));
        holdOnDown = copy;
    }

    /**
     * Per running instance, what its DOWN withdraws ahead of the loop: the actuators of the
     * services shown announced that depend on it and can withdraw from any thread.
     */
    static Map<InstanceRuntime, List<Actuator>> holdOnDown(Collection<ServiceRuntime> services,
            Map<String, InstanceRuntime> instances) {
        Map<InstanceRuntime, List<Actuator>> out = new IdentityHashMap<>();
        for (ServiceRuntime s : services) {
            if (s.withdrawn) {
                continue;
            }
            for (String d : s.config.dependsOn()) {
                InstanceRuntime i = instances.get(d);
                if (i == null) {
                    continue;
                }
                for (Actuator a : s.actuators) {
                    if (a.withdrawsFromAnyThread()) {
                        out.computeIfAbsent(i, k -> new ArrayList<>()).add(a);
                    }
                }
            }
        }
        return out;
    }

    /** Hold-downs sent ahead of the loop so far (a status picture taken meanwhile is already behind). */
    synchronized long heldAhead() {
        return heldAhead;
    }
}
