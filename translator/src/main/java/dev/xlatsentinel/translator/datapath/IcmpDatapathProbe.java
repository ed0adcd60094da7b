package dev.xlatsentinel.translator.datapath;

import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.host.HostLoad;
import dev.xlatsentinel.translator.probe.KOfN;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * ICMPv6 echo through the translator: to {@code <pool6 prefix>::<IPv4 target>} for each
 * target, so the request is translated, leaves on IPv4, and the reply is translated back.
 * Passes when k of the n targets answer. Send it from a namespace other than the
 * translator's (netfilter Jool does not translate traffic that starts in its own namespace).
 *
 * <p>Busy is not broken: the deadline adapts to the latency this path showed
 * ({@link RttEstimator}: SRTT + 4 x RTTVAR, at least the instance's timeout, at most
 * {@code maxTimeout}), every answer feeds it, late ones too, and each result carries a
 * {@link Signal.Datapath} (timeouts only? when did the path last answer?) for the health rules.
 * Each run sends up to {@value #ATTEMPTS} echoes per target, spread over the deadline, to the
 * targets not answered yet: one probe lost on a lossy path is not a failure, and a broken
 * translator still fails at the deadline.
 */
public final class IcmpDatapathProbe implements Probe, AutoCloseable {
    private final String name;
    private final IcmpEchoSocket socket;
    private final List<Inet4Address> targets;
    private final List<Inet6Address> destinations = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final KOfN rule;
    private final Scheduler scheduler;
    private final Duration maxTimeout;
    /** Echoes per target and run, spread over the deadline (the first at once). */
    static final int ATTEMPTS = 3;
    private final RttEstimator rtt = new RttEstimator();
    private final HostLoad load;
    private final Duration busyCeiling;
    private volatile long lastReplyNanos = Long.MIN_VALUE;

    public IcmpDatapathProbe(String name, IcmpEchoSocket socket, Nat64Prefix prefix, List<Inet4Address> targets,
            int required, Scheduler scheduler) {
        this(name, socket, prefix, targets, required, scheduler, null);
    }

    /** @param maxTimeout the ceiling of the adaptive deadline (null: the instance's timeout, i.e. fixed) */
    public IcmpDatapathProbe(String name, IcmpEchoSocket socket, Nat64Prefix prefix, List<Inet4Address> targets,
            int required, Scheduler scheduler, Duration maxTimeout) {
        this(name, socket, prefix, targets, required, scheduler, maxTimeout, HostLoad.NONE, Duration.ZERO);
    }

    /**
     * @param maxTimeout  the ceiling of the adaptive deadline (null: the instance's timeout, i.e. fixed)
     * @param load        how busy the host is (for the deadline extension); {@link HostLoad#NONE}: no extension
     * @param busyCeiling the latest a run's deadline moves to for the CPU its path was denied (at most
     *                    {@code maxTimeout}): the instance's interval, so that a busy host never makes a
     *                    round outlast the next one's start, nor delays another probe's verdict on a real
     *                    fault by more than that (a round waits for all its probes)
     */
    public IcmpDatapathProbe(String name, IcmpEchoSocket socket, Nat64Prefix prefix, List<Inet4Address> targets,
            int required, Scheduler scheduler, Duration maxTimeout, HostLoad load, Duration busyCeiling) {
        this.load = load;
        this.busyCeiling = maxTimeout == null || busyCeiling.compareTo(maxTimeout) < 0 ? busyCeiling : maxTimeout;
        this.name = name;
        this.socket = socket;
        this.targets = List.copyOf(targets);
        this.rule = new KOfN(required, targets.size());
        this.scheduler = scheduler;
        this.maxTimeout = maxTimeout;
        socket.onReply((d, late) -> {
            rtt.sample(d);
            lastReplyNanos = scheduler.nanoTime();
        });
        for (Inet4Address t : this.targets) {
            destinations.add(prefix.embed(t));
            labels.add(IpAddresses.text(t));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long lastAnswerNanos() {
        return lastReplyNanos;
    }

    public List<Inet6Address> destinations() {
        return List.copyOf(destinations);
    }

    /** The targets as configured (IPv4), in order. */
    public List<Inet4Address> targets() {
        return targets;
    }

    /** The instance's timeout, or more when this path has been slower: SRTT + 4 x RTTVAR up to maxTimeout. */
    @Override
    public Duration deadline(Duration timeout) {
        return maxTimeout == null || maxTimeout.compareTo(timeout) <= 0 ? timeout : rtt.deadline(timeout, maxTimeout);
    }

    /**
     * The deadline plus the extensions the host's CPU wait may add ({@link CpuDenied}): up to
     * the busy ceiling (the instance's interval). The runner cuts the run only after this.
     */
    @Override
    public Duration longestRun(Duration timeout) {
        return ceiling(deadline(timeout));
    }

    private Duration ceiling(Duration deadline) {
        return load == HostLoad.NONE || busyCeiling.compareTo(deadline) <= 0 ? deadline : busyCeiling;
    }

    /** The estimator (for status). */
    public RttEstimator estimator() {
        return rtt;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        Duration deadline = deadline(timeout);
        Run run = new Run(new TargetRound(name, rule, labels), scheduler.nanoTime(), load.read(),
                ceiling(deadline).toNanos());
        // Attempt 0 now, the others spread over the deadline, each only to targets still open: a
        // probe lost on a lossy or congested path is sent again, and any answer counts.
        long step = deadline.toNanos() / ATTEMPTS;
        for (int k = 0; k < ATTEMPTS; k++) {
            if (k == 0) {
                send(run);
            } else {
                run.timers.add(scheduler.schedule(Duration.ofNanos(k * step), () -> send(run)));
            }
        }
        run.timers.add(scheduler.schedule(deadline, () -> atDeadline(run, deadline.toNanos())));
        return run.round.result().whenComplete((r, e) -> {
            run.timers.forEach(Scheduler.Timer::cancel);
            // Done early (k answered, or lost): stop waiting for the rest (a late answer still counts).
            for (IcmpEchoSocket.Echo echo : run.sent) {
                echo.outcome().complete(IcmpEchoSocket.timeout(deadline));
            }
        }).thenApply(r -> r.withSignal(run.round.signal(lastReplyNanos, run.measured)));
    }

    /** One run's state: its targets, echoes, timers, and the host's counters when it started. */
    private static final class Run {
        final TargetRound round;
        final long start;
        final HostLoad.Reading first;
        final long ceiling;
        final List<IcmpEchoSocket.Echo> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Scheduler.Timer> timers = new java.util.concurrent.CopyOnWriteArrayList<>();
        long extended;
        volatile Signal.Load measured;

        Run(TargetRound round, long start, HostLoad.Reading first, long ceiling) {
            this.round = round;
            this.start = start;
            this.first = first;
            this.ceiling = ceiling;
        }
    }

    /**
     * The deadline came with targets unanswered: they time out, unless the path was denied the
     * CPU meanwhile ({@link CpuDenied}): then the deadline moves on by that time, up to the
     * ceiling, and one more echo goes to each open target.
     */
    private void atDeadline(Run run, long budget) {
        socket.drainNow();
        if (run.round.result().isDone()) {
            return;
        }
        long waited = scheduler.nanoTime() - run.start;
        HostLoad.Reading r = load.read();
        long extra = CpuDenied.extension(run.first, r, waited, run.extended, budget, run.ceiling);
        if (extra > 0) {
            run.extended += extra;
            send(run);
            run.timers.add(scheduler.schedule(Duration.ofNanos(extra), () -> atDeadline(run, budget + extra)));
            return;
        }
        run.measured = new Signal.Load(waited, r.cpuWaitSince(run.first), r.backlogDropsSince(run.first),
                r.squeezesSince(run.first), run.extended, r.translatorWaitSince(run.first));
        run.round.expire(Duration.ofNanos(budget));
    }

    /** One echo to every target that has no outcome yet. A timeout of one attempt decides nothing. */
    private void send(Run run) {
        TargetRound round = run.round;
        for (int i = 0; i < destinations.size(); i++) {
            if (!round.open(i)) {
                continue;
            }
            int index = i;
            IcmpEchoSocket.Echo echo = socket.send(destinations.get(i));
            run.sent.add(echo);
            echo.outcome().thenAccept(o -> {
                switch (o.kind()) {
                    case REPLY -> round.answered(index, o.rtt(), "answered in " + Durations.format(o.rtt()));
                    case TIMEOUT -> {
                        // The deadline (round.expire) decides; another attempt may still be answered.
                    }
                    default -> round.failed(index, o.text(), false);
                }
            });
        }
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return name + " -> " + targets;
    }
}
