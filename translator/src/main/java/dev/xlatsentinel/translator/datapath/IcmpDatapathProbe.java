package dev.xlatsentinel.translator.datapath;

import dev.xlatsentinel.translator.probe.Durations;
import dev.xlatsentinel.translator.probe.KOfN;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import dev.xlatsentinel.translator.time.Scheduler;
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
    private volatile long lastReplyNanos = Long.MIN_VALUE;

    public IcmpDatapathProbe(String name, IcmpEchoSocket socket, Nat64Prefix prefix, List<Inet4Address> targets,
            int required, Scheduler scheduler) {
        this(name, socket, prefix, targets, required, scheduler, null);
    }

    /** @param maxTimeout the ceiling of the adaptive deadline (null: the instance's timeout, i.e. fixed) */
    public IcmpDatapathProbe(String name, IcmpEchoSocket socket, Nat64Prefix prefix, List<Inet4Address> targets,
            int required, Scheduler scheduler, Duration maxTimeout) {
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
            labels.add(t.getHostAddress());
        }
    }

    @Override
    public String name() {
        return name;
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

    /** The estimator (for status). */
    public RttEstimator estimator() {
        return rtt;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        Duration deadline = deadline(timeout);
        TargetRound round = new TargetRound(name, rule, labels);
        List<IcmpEchoSocket.Echo> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Scheduler.Timer> timers = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Attempt 0 now, the others spread over the deadline, each only to targets still open: a
        // probe lost on a lossy or congested path is sent again, and any answer counts.
        long step = deadline.toNanos() / ATTEMPTS;
        for (int k = 0; k < ATTEMPTS; k++) {
            Runnable attempt = () -> send(round, sent);
            if (k == 0) {
                attempt.run();
            } else {
                timers.add(scheduler.schedule(Duration.ofNanos(k * step), attempt));
            }
        }
        timers.add(scheduler.schedule(deadline, () -> {
            socket.drainNow();
            round.expire(deadline);
        }));
        return round.result().whenComplete((r, e) -> {
            timers.forEach(Scheduler.Timer::cancel);
            // Done early (k answered, or lost): stop waiting for the rest (a late answer still counts).
            for (IcmpEchoSocket.Echo echo : sent) {
                echo.outcome().complete(IcmpEchoSocket.timeout(deadline));
            }
        }).thenApply(r -> r.withSignal(round.signal(lastReplyNanos)));
    }

    /** One echo to every target that has no outcome yet. A timeout of one attempt decides nothing. */
    private void send(TargetRound round, List<IcmpEchoSocket.Echo> sent) {
        for (int i = 0; i < destinations.size(); i++) {
            if (!round.open(i)) {
                continue;
            }
            int index = i;
            IcmpEchoSocket.Echo echo = socket.send(destinations.get(i));
            sent.add(echo);
            echo.outcome().thenAccept(o -> {
                switch (o.kind()) {
                    case REPLY -> round.answered(index, o.rtt(), "answered in " + Durations.human(o.rtt()));
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
