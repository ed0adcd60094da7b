package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.platform.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wait in a planned stop, {@code agent.shutdownGrace}: once {@link AgentCore#stop} has
 * withdrawn every service, looks on the loop, at once and then every {@link AgentCore#STOP_POLL},
 * until every peer has seen the withdrawal or the grace has passed. Nothing here waits.
 */
final class ShutdownGrace {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final Scheduler loop;
    /** The withdrawn actuators whose peers have not been seen to see it yet. */
    private final List<Actuator> pending;
    private final long start;
    private final Duration grace;
    private final CompletableFuture<Void> done;

    private ShutdownGrace(Scheduler loop, List<Actuator> pending, long start, Duration grace,
            CompletableFuture<Void> done) {
        this.loop = loop;
        this.pending = pending;
        this.start = start;
        this.grace = grace;
        this.done = done;
    }

    /** Starts watching {@code pending} now; completes {@code done} when they are seen or {@code grace} has passed. */
    static void watch(Scheduler loop, List<Actuator> pending, Duration grace, CompletableFuture<Void> done) {
        new ShutdownGrace(loop, pending, loop.nanoTime(), grace, done).look();
    }

    private void look() {
        pending.removeIf(ShutdownGrace::seen);
        long waited = loop.nanoTime() - start;
        if (pending.isEmpty()) {
            LOG.info("stopping: every peer saw the withdrawal in {} ms", Duration.ofNanos(waited).toMillis());
            done.complete(null);
        } else if (waited >= grace.toNanos()) {
            LOG.warn("stopping: {} not confirmed after {} ms: {}", pending.size(), Duration.ofNanos(waited).toMillis(),
                    pending.stream().map(Actuator::describe).toList());
            done.complete(null);
        } else {
            loop.schedule(AgentCore.STOP_POLL, this::look);
        }
    }

    private static boolean seen(Actuator a) {
        try {
            return a.withdrawalSeen();
        } catch (RuntimeException e) {
            return true; // nothing left to ask: its engine is gone
        }
    }
}
