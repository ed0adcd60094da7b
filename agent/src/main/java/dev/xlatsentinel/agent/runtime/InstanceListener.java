package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.health.HealthChange;
import dev.xlatsentinel.translator.health.HealthListener;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's health events from the deciding threads (probe rounds, kernel events): a
 * DOWN holds its services' sessions down here and now ({@link HealthInbox#offer}), then every
 * change goes to the agent loop through the inbox. The instance it belongs to is set once
 * built; events of an instance that a later commit replaced are ignored there.
 */
final class InstanceListener implements HealthListener {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    static {
        // Loaded and linked with this class, at the agent's start, not on its first DOWN.
        try {
            MethodHandles.lookup().ensureInitialized(HeldDown.class);
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final HealthInbox inbox;
    private final Scheduler loop;
    private final Runnable evaluate;
    private final List<Agent.Observer> observers;
    private final Map<String, Long> lastRound;
    volatile InstanceRuntime owner;

    InstanceListener(String name, HealthInbox inbox, Scheduler loop, Runnable evaluate, List<Agent.Observer> observers,
            Map<String, Long> lastRound) {
        this.name = name;
        this.inbox = inbox;
        this.loop = loop;
        this.evaluate = evaluate;
        this.observers = observers;
        this.lastRound = lastRound;
    }

    @Override
    public void onChange(HealthChange change) {
        CompletableFuture<Void> sent = inbox.offer(owner, change);
        Instant offered = loop.now();
        if (sent == null) {
            loop.schedule(Duration.ZERO, evaluate);
        } else {
            // Done already: every Down left from this thread (the BFD loop was idle).
            boolean here = sent.isDone();
            // The loop wakes once the Down has left (on a 2-CPU machine a thread woken
            // meanwhile competes with the BFD loop for a CPU); no later than TAKE_AFTER_HOLD.
            sent.whenComplete(new HeldDown(change, here, offered));
            loop.schedule(AgentCore.TAKE_AFTER_HOLD, evaluate);
        }
        observers.forEach(o -> o.health(change));
    }

    /**
     * A DOWN's hold-downs done: the figure logged and told, the agent loop woken (its status says
     * WITHDRAWN from then on). A class of its own, linked when this one is, not a lambda: a
     * lambda's class is made the first time its line runs, the agent's first DOWN, and that
     * delayed the loop's wake-up, and so the status, by 3-10 ms (docs/failover.md "The first
     * fault"; {@code FirstDownLinkedTest}).
     */
    final class HeldDown implements BiConsumer<Void, Throwable> {
        private final HealthChange change;
        private final boolean here;
        private final Instant offered;

        HeldDown(HealthChange change, boolean here, Instant offered) {
            this.change = change;
            this.here = here;
            this.offered = offered;
        }

        @Override
        public void accept(Void v, Throwable e) {
            // Sent here: timed as the hold-downs returned, not after whatever delays this thread next.
            Duration took = Duration.between(change.at(), here ? offered : loop.now());
            loop.schedule(Duration.ZERO, evaluate);
            LOG.info("instance {} DOWN: its BFD sessions held down {} us after the decision, {}", name,
                    took.toNanos() / 1000, here ? "from the deciding thread" : "by the BFD event loop");
            for (Agent.Observer o : observers) {
                o.heldDown(name, took, here);
            }
        }
    }

    @Override
    public void onRound(String instance, List<ProbeResult> results) {
        lastRound.computeIfPresent(name, (k, v) -> loop.nanoTime());
        observers.forEach(o -> o.round(instance, results));
    }
}
