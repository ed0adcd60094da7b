package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.probe.KOfN;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.ProbeRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one translator instance: runs all its probes in rounds, combines each round
 * (all, or k of n), feeds rise/fall and tells listeners every change.
 *
 * <p>Rounds never overlap. The next round starts {@code interval} after the previous one
 * started ({@code fastInterval} while a change is pending), or as soon as the previous
 * round ended if that is later. The first round starts at {@link #start()}.
 *
 * <pre>{@code
 * InstanceHealth h = new InstanceHealth("lower", policy, probes, scheduler);
 * h.addListener(change -> log.info("{}", change));
 * h.start();
 * }</pre>
 */
public final class InstanceHealth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceHealth.class);

    private final String instance;
    private final HealthPolicy policy;
    private final List<Probe> probes;
    private final Scheduler scheduler;
    private final ProbeRunner runner;
    private final KOfN combine;
    private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private final RiseFall riseFall;
    private Instant since;
    private long rounds;
    private List<ProbeResult> lastResults = List.of();
    private Scheduler.Timer next;
    private boolean started;
    private boolean closed;

    public InstanceHealth(String instance, HealthPolicy policy, List<? extends Probe> probes, Scheduler scheduler) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.probes = List.copyOf(probes);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (this.probes.isEmpty()) {
            throw new IllegalArgumentException("instance " + instance + " has no probes");
        }
        int n = this.probes.size();
        this.combine = policy.required() == 0 ? KOfN.all(n) : new KOfN(policy.required(), n);
        this.runner = new ProbeRunner(scheduler);
        this.riseFall = new RiseFall(policy.rise(), policy.fall());
        this.since = scheduler.now();
    }

    public String instance() {
        return instance;
    }

    public HealthPolicy policy() {
        return policy;
    }

    public List<Probe> probes() {
        return probes;
    }

    public void addListener(HealthListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(HealthListener listener) {
        listeners.remove(listener);
    }

    public synchronized HealthState state() {
        return riseFall.state();
    }

    public synchronized HealthStatus status() {
        return new HealthStatus(instance, riseFall.state(), since, riseFall.passes(), riseFall.fails(), rounds,
                lastResults);
    }

    /** Starts the first round now. */
    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        next = scheduler.schedule(Duration.ZERO, this::round);
    }

    private void round() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        long start = scheduler.nanoTime();
        List<CompletableFuture<ProbeResult>> running = new ArrayList<>(probes.size());
        for (Probe p : probes) {
            running.add(runner.run(p, policy.timeout()));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> finish(start, running.stream().map(CompletableFuture::join).toList()));
    }

    private void finish(long start, List<ProbeResult> results) {
        HealthChange change = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            rounds++;
            lastResults = results;
            int ok = (int) results.stream().filter(ProbeResult::passed).count();
            boolean passed = combine.satisfied(ok);
            HealthState before = riseFall.state();
            HealthState after = riseFall.record(passed);
            if (after != null) {
                since = scheduler.now();
                change = new HealthChange(instance, before, after, since, reason(after, ok, results), results);
            }
            Duration period = riseFall.pending() ? policy.fastInterval() : policy.interval();
            long wait = Math.max(0, start + period.toNanos() - scheduler.nanoTime());
            next = scheduler.schedule(Duration.ofNanos(wait), this::round);
        }
        for (HealthListener l : listeners) {
            try {
                l.onRound(instance, results);
            } catch (RuntimeException ex) {
                LOG.error("health listener failed on a round of {}", instance, ex);
            }
        }
        if (change != null) {
            LOG.info("{}", change);
            for (HealthListener l : listeners) {
                try {
                    l.onChange(change);
                } catch (RuntimeException ex) {
                    LOG.error("health listener failed on {}", change, ex);
                }
            }
        }
    }

    private String reason(HealthState to, int ok, List<ProbeResult> results) {
        String counts = ok + "/" + results.size() + " probes passed (" + combine + " required)";
        if (to == HealthState.UP) {
            return counts + " for " + policy.rise() + " rounds in a row";
        }
        String failing = results.stream().filter(r -> !r.passed()).map(ProbeResult::summary)
                .collect(Collectors.joining("; "));
        return counts + " for " + policy.fall() + " rounds in a row: " + failing;
    }

    /** Stops probing: no round starts and no round in flight counts after this returns. */
    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel();
        }
    }

    @Override
    public String toString() {
        return "health of " + instance + " (" + state() + ")";
    }
}
