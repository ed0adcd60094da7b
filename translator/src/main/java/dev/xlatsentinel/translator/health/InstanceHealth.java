package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.event.ProbeEvent;
import dev.xlatsentinel.translator.event.Watched;
import dev.xlatsentinel.translator.probe.KOfN;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.ProbeRunner;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one translator instance: runs all its probes in rounds, combines each round
 * (all, or k of n), feeds rise/fall and tells listeners every change.
 *
 * <p>The next round starts {@code interval} after the previous one started ({@code
 * fastInterval} while a change is pending), or as soon as the previous round ended if that is
 * later. The first round starts at {@link #start()}. With {@link HealthPolicy#confirmEarly}, an
 * UP instance's round whose datapath probes have not answered {@code fastInterval} after its
 * start (not even late) has the next round start then, beside it: at most two rounds run, the
 * rounds are counted in the order they started, and a round that ends after a newer one was
 * counted counts nothing (it saw an older world).
 *
 * <p>Events ({@link #event}): a watched probe ({@link Watched}) reports between rounds what
 * the kernel announced and its own look confirmed. A fault counts at once as one failed round
 * ({@code onEvent: count}; at most one per probe between two rounds) or takes the instance
 * DOWN ({@code onEvent: down}); any event starts the next round at once (no sooner than
 * {@code fastInterval} after the last one started), and a round that started before a fault
 * event cannot count as a pass. Rounds go on as before: a missed event is still seen there.
 *
 * <p>Early verdict: a round is counted as failed the moment a result of it
 * leaves too few probes able to pass (k of n), without waiting for its slowest probe. Only a
 * failure that no rule of {@link EvidenceRule} can excuse is certain: not a cut
 * ({@link Signal.Hung}), not a datapath probe that failed only
 * by timeouts, not an evidence-only probe (a failed translator probe, {@code Signal.Forwarding},
 * is never excused). The round still runs to its end and does all its bookkeeping there; it is
 * counted once.
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
    private final List<Precondition> preconditions;
    private final Scheduler scheduler;
    private final ProbeRunner runner;
    private final KOfN combine;
    private final RoundCount count;
    private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private final RiseFall riseFall;
    private Instant since;
    private long rounds;
    private List<ProbeResult> lastResults = List.of();
    private final long[] lastVerdict;
    private String alarm;
    private final EvidenceMemory memory = new EvidenceMemory();
    private long busyRounds;
    /** Rounds in a row with a failure that a rule excused (cuts aside). */
    private long excusedStreak;
    private long upstreamRounds;
    private long lateProbes;
    private long plannedStart;
    private long lastLateness;
    private long maxLateness;
    private Scheduler.Timer next;
    /**
     * The task that runs a round, made once: a method reference written at each call would be
     * made the first time its line runs, and the pulled round's line runs first on an
     * instance's first fault event (docs/failover.md "The first fault").
     */
    private final Runnable roundTask = this::round;
    private boolean started;
    private boolean closed;
    /** The rounds running, and the pending confirmEarly check. */
    private final RoundsInFlight inFlight = new RoundsInFlight();
    /** The confirmEarly check, made once (as roundTask). */
    private final Runnable confirmTask = this::confirm;
    /** Held from computing a change to telling it (before {@code this}): changes reach listeners in order. */
    private final Object publishing = new Object();
    private long lastRoundStart;
    /** Start the next round as soon as allowed: an event asked for a look. */
    private boolean pullNext;
    /** Scheduler time of the latest fault event; rounds that started before it do not pass. */
    private long lastFaultEvent = Long.MIN_VALUE;
    /** Per probe: a fault event of it already counted since the last round ended. */
    private final boolean[] eventCounted;
    private long faultEvents;
    /** Rounds started beside a silent one (confirmEarly). */
    private long besideRounds;

    public InstanceHealth(String instance, HealthPolicy policy, List<? extends Probe> probes, Scheduler scheduler) {
        this(instance, policy, probes, List.of(), scheduler);
    }

    /** With {@code preconditions}, checked at the end of every round: a violated one fails the round. */
    public InstanceHealth(String instance, HealthPolicy policy, List<? extends Probe> probes,
            List<? extends Precondition> preconditions, Scheduler scheduler) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.probes = List.copyOf(probes);
        this.preconditions = List.copyOf(preconditions);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (this.probes.isEmpty()) {
            throw new IllegalArgumentException("instance " + instance + " has no probes");
        }
        int n = (int) this.probes.stream().filter(p -> !p.evidenceOnly()).count();
        if (n == 0) {
            throw new IllegalArgumentException("instance " + instance + " has only evidence probes");
        }
        this.combine = policy.required() == 0 ? KOfN.all(n) : new KOfN(policy.required(), n);
        this.count = new RoundCount(this.probes, combine, policy);
        this.lastVerdict = new long[this.probes.size()];
        this.eventCounted = new boolean[this.probes.size()];
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
                lastResults, alarm, busyRounds, upstreamRounds, lateProbes, Duration.ofNanos(lastLateness),
                Duration.ofNanos(maxLateness));
    }

    /** Starts watching the watched probes, and the first round now. */
    public void start() {
        synchronized (this) {
            if (started || closed) {
                return;
            }
            started = true;
            long now = scheduler.nanoTime();
            java.util.Arrays.fill(lastVerdict, now);
            plannedStart = now;
            next = scheduler.schedule(Duration.ZERO, roundTask);
        }
        for (Probe p : probes) {
            if (p instanceof Watched w && w.eventMode() != EventMode.OFF) {
                w.watch(this::event);
            }
        }
    }

    /** Rounds started beside a silent one since start ({@link HealthPolicy#confirmEarly}). */
    public synchronized long besideRounds() {
        return besideRounds;
    }

    /** Fault events counted since start (each also counted as a failed round or a DOWN). */
    public synchronized long faultEvents() {
        return faultEvents;
    }

    /**
     * A watched probe's event (any thread; the events thread in production). A fault counts
     * as its probe's {@link EventMode} says; any event pulls the next round forward.
     */
    public void event(ProbeEvent e) {
        synchronized (publishing) {
            HealthChange change;
            synchronized (this) {
                if (closed || !started) {
                    return;
                }
                change = eventLocked(e);
            }
            if (change != null) {
                publish(change);
            }
            synchronized (this) {
                if (!closed) {
                    pullRound();
                }
            }
        }
    }

    /**
     * Finish, holding {@code publishing}: the next round at {@code plannedStart}. After the
     * listeners, not before: scheduling wakes the scheduler's thread, which on a small machine
     * takes the CPU from the thread that has a DOWN's BFD Downs still to send (issue 16).
     */
    private synchronized void scheduleNext() {
        if (!closed && next == null) {
            next = scheduler.schedule(Duration.ofNanos(Math.max(0, plannedStart - scheduler.nanoTime())), roundTask);
        }
    }

    private HealthChange eventLocked(ProbeEvent e) {
        int i = indexOf(e.probe());
        boolean precondition = i < 0 && isPrecondition(e.probe());
        if (!e.fault() || (i < 0 && !precondition)) {
            return null;
        }
        lastFaultEvent = Math.max(lastFaultEvent, e.atNanos());
        if (!precondition && eventCounted[i] && e.mode() != EventMode.DOWN) {
            return null; // one failed observation per probe between two rounds: a burst of messages is one fault
        }
        if (!precondition) {
            eventCounted[i] = true;
        }
        faultEvents++;
        HealthState before = riseFall.state();
        HealthState after = e.mode() == EventMode.DOWN ? riseFall.forceDown() : riseFall.fail(e.atNanos());
        List<ProbeResult> results = new ArrayList<>(lastResults);
        ProbeResult seen = ProbeResult.fail(e.probe(), e.reason());
        if (i >= 0 && i < results.size()) {
            results.set(i, seen);
        } else if (precondition) {
            results.add(seen);
        }
        lastResults = results;
        if (after == null) {
            return null;
        }
        since = scheduler.now();
        // Written when first read: after the listeners have acted on the change.
        List<ProbeResult> decided = List.copyOf(results);
        // No lambda here: this line runs first on an instance's first fault event, between the
        // decision and the wire, and a lambda's class is made then (docs/failover.md "The first fault").
        return e.mode() == EventMode.DOWN
                ? new HealthChange(instance, before, after, since, e.probe() + ": " + e.reason() + " (onEvent: down)",
                        decided)
                : new HealthChange(instance, before, after, since,
                        count.reasonLater(after, count.passed(decided), decided, " (the last one an event)"), decided);
    }

    private boolean isPrecondition(String name) {
        for (Precondition c : preconditions) {
            if (c.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allDone(List<CompletableFuture<ProbeResult>> running) {
        for (CompletableFuture<ProbeResult> f : running) {
            if (!f.isDone()) {
                return false;
            }
        }
        return true;
    }

    /** Starts the next round as soon as allowed: now, but not sooner than fastInterval after the last one started. */
    private void pullRound() {
        if (inFlight.live() > 0) {
            pullNext = true;
            return;
        }
        long now = scheduler.nanoTime();
        long at = Math.max(now, lastRoundStart + policy.fastInterval().toNanos());
        if (at >= plannedStart) {
            return; // already due by then
        }
        if (next != null) {
            next.cancel();
        }
        plannedStart = at;
        next = scheduler.schedule(Duration.ofNanos(at - now), roundTask);
    }

    private int indexOf(String probe) {
        for (int i = 0; i < probes.size(); i++) {
            if (probes.get(i).name().equals(probe)) {
                return i;
            }
        }
        return -1;
    }

    private void round() {
        startRound(false);
    }

    /** confirmEarly: the round checked is still alone, its instance UP and its path silent: the next one starts now. */
    private void confirm() {
        startRound(true);
    }

    /** {@code beside}: a confirmEarly start, next to the one running round. */
    private void startRound(boolean beside) {
        long start = scheduler.nanoTime();
        RunningRound round;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (beside) {
                RunningRound checked = inFlight.confirmDue();
                if (checked == null || riseFall.state() != HealthState.UP || !count.pathSilent(checked)) {
                    return;
                }
                besideRounds++;
            } else {
                if (inFlight.live() > 0) {
                    return;
                }
                // Round lateness: the agent's own (scheduling, GC, CPU), exported so it can be seen.
                lastLateness = Math.max(0, start - plannedStart);
                maxLateness = Math.max(maxLateness, lastLateness);
            }
            round = new RunningRound(start, probes.size());
            inFlight.add(round);
            lastRoundStart = start;
            if (policy.confirmEarly() && inFlight.alone(round) && riseFall.state() == HealthState.UP) {
                inFlight.confirmLater(round, scheduler.schedule(policy.fastInterval(), confirmTask));
            }
        }
        List<CompletableFuture<ProbeResult>> running = new ArrayList<>(probes.size());
        for (Probe p : probes) {
            running.add(runner.run(p, policy.timeout()));
        }
        // Every probe is started before a verdict is told: the listeners run on this thread.
        for (int i = 0; i < running.size(); i++) {
            int probe = i;
            running.get(i).thenAccept(r -> early(round, probe, r, running));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> finish(round, running.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * One probe's result of a running round: if it failed beyond any excuse and the probes
     * left can no longer make the round pass, the round is counted as failed now, unless no
     * probe is still running (its end counts it then, with the full results). Same publishing
     * order as {@link #finish} and {@link #event}.
     *
     * <p>An event and an early verdict in the same round are two observations, as an event and
     * that round's failure at its end always were (an event is one failed observation per probe
     * between two round ends, the round another): the early verdict only moves the round's own
     * count forward, so it neither uses up nor resets {@code eventCounted} (reset at the round's
     * end, as before). The stale rule only stops passes; a round decided early has failed.
     */
    private void early(RunningRound round, int probe, ProbeResult r, List<CompletableFuture<ProbeResult>> running) {
        if (!count.certainFail(probe, r)) {
            // The usual result: kept for the reason, without waiting for a change being told.
            synchronized (this) {
                if (inFlight.contains(round)) {
                    round.arrived[probe] = r;
                }
            }
            return;
        }
        synchronized (publishing) {
            HealthChange change = null;
            synchronized (this) {
                if (closed || round.overtaken || !inFlight.contains(round) || round.decided) {
                    return;
                }
                round.arrived[probe] = r;
                round.certain++;
                if (!combine.lost(round.certain) || allDone(running)) {
                    return;
                }
                round.decided = true;
                inFlight.overtakeOlder(round);
                String why = count.earlyReason(round, lastResults);
                List<ProbeResult> results = withThisRound(round);
                lastResults = results;
                HealthState before = riseFall.state();
                HealthState after = riseFall.fail(round.start);
                LOG.debug("{}: round decided early by {}", instance, r.summary());
                if (after != null) {
                    since = scheduler.now();
                    change = new HealthChange(instance, before, after, since, why, results);
                }
            }
            if (change != null) {
                publish(change);
            }
        }
    }

    /**
     * The last results with this round's settled ones in their places (before any round
     * ended: those alone); the rest come at the round's end.
     */
    private List<ProbeResult> withThisRound(RunningRound round) {
        List<ProbeResult> out = new ArrayList<>(lastResults);
        for (int i = 0; i < round.arrived.length; i++) {
            ProbeResult r = round.arrived[i];
            if (r == null || !RoundCount.settled(r)) {
                continue;
            }
            if (count.lastResult(lastResults, i) != null) {
                out.set(i, r);
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private void finish(RunningRound round, List<ProbeResult> raw) {
        long start = round.start;
        HealthChange change = null;
        boolean last;
        String excuseLog = null;
        String alarmChange = null;
        boolean alarmChanged = false;
        List<ProbeResult> results;
        // Computed and told in one order: an event's change and a round's, computed on two
        // threads, must not reach the listeners the other way round (DOWN, then a stale UP).
        synchronized (publishing) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (!inFlight.finish(round)) {
                    return; // overtaken: a newer round was counted first, and scheduled the next
                }
                // A newer round runs (confirmEarly): it is counted after this one, and schedules the next.
                last = inFlight.live() == 0;
                rounds++;
                long now = scheduler.nanoTime();
                memory.record(raw, now);
                EvidenceRule.Judged j = EvidenceRule.judge(raw, lastVerdict, now, policy.replyWindow(),
                        policy.hungLimit(), memory.recent(now, policy.replyWindow()),
                        memory.floodWithin(now, policy.hungLimit()), memory.nativeWithin(now, policy.hungLimit()));
                results = j.results();
                lastResults = results;
                if (LOG.isDebugEnabled()) {
                    for (int i = 0; i < raw.size(); i++) {
                        if (!raw.get(i).passed()) {
                            LOG.debug("{}: round {}: {} -> {}", instance, rounds, raw.get(i).summary(),
                                    results.get(i).passed() ? "not counted: " + results.get(i).reason() : "counted");
                        }
                    }
                }
                // Not counting a failure is a decision too: the first round of a streak of excused
                // failures is logged with its reason, and the streak's end with its length (the
                // rounds between are in status, doNoHarm), so a late withdrawal can be read.
                String excused = null;
                for (int i = 0; i < raw.size() && excused == null; i++) {
                    if (!raw.get(i).passed() && results.get(i).passed() && !(raw.get(i).signal()
                            instanceof Signal.Hung)) {
                        excused = raw.get(i).probe() + ": " + results.get(i).reason();
                    }
                }
                if (excused != null && excusedStreak++ == 0) {
                    excuseLog = instance + ": a failure not counted: " + excused;
                } else if (excused == null && excusedStreak > 0) {
                    excuseLog = instance + ": the last " + excusedStreak + " round(s) had a failure not counted; this one has none";
                    excusedStreak = 0;
                }
                busyRounds += j.busy() ? 1 : 0;
                upstreamRounds += j.upstream() ? 1 : 0;
                lateProbes += j.late();
                if (j.upstream() && !j.alarm().equals(alarm)) {
                    alarm = j.alarm();
                    alarmChange = alarm;
                    alarmChanged = true;
                } else if (!j.upstream() && alarm != null && RoundCount.datapathPassedOnItsOwn(results)) {
                    alarm = null;
                    alarmChanged = true;
                }
                int ok = count.passed(results);
                boolean passed = combine.satisfied(ok);
                for (Precondition c : preconditions) {
                    String broken = c.violated();
                    if (broken != null) {
                        // Whatever the probes say: they ran somewhere the translator no longer is.
                        passed = false;
                        results = new ArrayList<>(results);
                        results.add(ProbeResult.fail(c.name(), broken));
                        lastResults = results;
                    }
                }
                java.util.Arrays.fill(eventCounted, false);
                // Its certain failures are failures after the rules too, and preconditions only fail.
                assert !(round.decided && passed) : "a round decided early passed at its end";
                // A round that began before a fault event saw the world before it: its pass proves nothing.
                boolean stale = passed && start < lastFaultEvent;
                HealthState before = riseFall.state();
                // A round that passes only by the rules' excuses (busy, starved, lossy, a late probe
                // cut) keeps an UP instance UP: busy is not broken. It proves nothing for an instance
                // that is not UP, and is neither a pass nor a failure there: a broken translator on a
                // busy host must not rise on its excuses (it did: dropped translated traffic
                // re-announced within 30 ms, docs/failover.md "The first fault"). Not so when the
                // targets are silent natively too: the datapath cannot judge any translator then, and
                // a gateway must not stay withdrawn through a probe-target outage (an agent restarted
                // during one would never announce).
                boolean byExcuse = passed && !j.upstream() && !combine.satisfied(count.passed(raw));
                // Nor does it break an UP instance's streak of failures when the path has given no
                // answer since that streak began, not even a late one: the excuse says why this
                // round's timeouts prove nothing, not that the path works. Counted failures with only
                // such rounds between them are failures in a row (before, each "host starved" round
                // between two counted ones reset the count, and dropped translated traffic stayed
                // announced for up to 100 ms at 5 ms probes). A late answer is life: then the
                // excused round resets the streak as before.
                boolean silent = byExcuse && before == HealthState.UP && riseFall.fails() > 0
                        && RoundCount.silentSince(raw, results, riseFall.failingSince());
                boolean excusedOnly = byExcuse && (before != HealthState.UP || silent);
                if (silent) {
                    riseFall.skipSilent();
                }
                int silentBetween = riseFall.silentInStreak();
                // Decided early: already counted, and its change already told.
                HealthState after = stale || round.decided || excusedOnly ? null
                        : passed ? riseFall.record(true) : riseFall.fail(start);
                if (after != null) {
                    since = scheduler.now();
                    // Written when first read: after the listeners have acted on the change.
                    List<ProbeResult> decided = List.copyOf(results);
                    String between = after == HealthState.DOWN && silentBetween > 0
                            ? RoundCount.silentBetween(silentBetween) : "";
                    change = new HealthChange(instance, before, after, since,
                            count.reasonLater(after, ok, decided, between), decided);
                }
                if (last) {
                    Duration period = pullNext || stale ? policy.fastInterval()
                            : riseFall.pending() ? policy.fastInterval() : policy.interval();
                    pullNext = false;
                    now = scheduler.nanoTime();
                    long wait = Math.max(0, start + period.toNanos() - now);
                    plannedStart = now + wait;
                    next = null; // scheduled below, once the listeners have acted
                }
            }
            // The decision first: listeners act on it (the agent withdraws) before anything is logged.
            if (change != null) {
                publish(change);
            }
            if (last) {
                scheduleNext();
            }
        }
        if (excuseLog != null) {
            LOG.info("{}", excuseLog);
        }
        if (alarmChanged) {
            if (alarmChange != null) {
                LOG.warn("{}: ALARM: {}", instance, alarmChange);
            } else {
                LOG.info("{}: alarm cleared: the datapath answers again", instance);
            }
            for (HealthListener l : listeners) {
                try {
                    l.onAlarm(instance, alarmChange);
                } catch (RuntimeException ex) {
                    LOG.error("health listener failed on the alarm of {}", instance, ex);
                }
            }
        }
        for (HealthListener l : listeners) {
            try {
                l.onRound(instance, results);
            } catch (RuntimeException ex) {
                LOG.error("health listener failed on a round of {}", instance, ex);
            }
        }
    }

    /** Tells the listeners, then logs: the log line is never on the way to the router. */
    private void publish(HealthChange change) {
        for (HealthListener l : listeners) {
            try {
                l.onChange(change);
            } catch (RuntimeException ex) {
                LOG.error("health listener failed on {}", change, ex);
            }
        }
        LOG.info("{}", change);
    }

    /** Stops probing: no round starts and no round in flight counts after this returns. */
    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel();
        }
        inFlight.cancelConfirm();
    }

    @Override
    public String toString() {
        return "health of " + instance + " (" + state() + ")";
    }
}
