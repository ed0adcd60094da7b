package dev.xlatsentinel.translator.datapath;

import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.translator.probe.KOfN;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.platform.time.Scheduler;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The world is not the translator: the datapath probe's IPv4 targets, echoed natively over
 * IPv4 from the gateway (the translator's namespace), bypassing translation. Evidence only
 * (it is not one of the k of n): when the targets are silent natively too, a datapath
 * timeout points upstream, not at this translator. A send the gateway itself refuses (no
 * route, network down: ENETUNREACH, EHOSTUNREACH, ENETDOWN) is a local error, which points
 * back at the gateway. Each result carries a {@link dev.xlatsentinel.translator.probe.Signal.Native}.
 */
public final class NativeIcmpProbe implements Probe, AutoCloseable {
    private final String name;
    private final IcmpEchoSocket socket;
    private final List<Inet4Address> targets;
    private final List<String> labels = new ArrayList<>();
    private final Scheduler scheduler;
    private final Duration maxTimeout;
    private final RttEstimator rtt = new RttEstimator();
    private volatile long lastLossNanos = Long.MIN_VALUE;

    public NativeIcmpProbe(String name, IcmpEchoSocket socket, List<Inet4Address> targets, Scheduler scheduler,
            Duration maxTimeout) {
        this.name = name;
        this.socket = socket;
        this.targets = List.copyOf(targets);
        this.scheduler = scheduler;
        this.maxTimeout = maxTimeout;
        for (Inet4Address t : targets) {
            labels.add(IpAddresses.text(t));
        }
        socket.onReply((d, late) -> rtt.sample(d));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean evidenceOnly() {
        return true;
    }

    @Override
    public Duration deadline(Duration timeout) {
        return maxTimeout == null || maxTimeout.compareTo(timeout) <= 0 ? timeout : rtt.deadline(timeout, maxTimeout);
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        Duration deadline = deadline(timeout);
        TargetRound round = new TargetRound(name, KOfN.all(targets.size()), labels);
        String[] local = new String[targets.size()];
        List<IcmpEchoSocket.Echo> sent = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            int index = i;
            IcmpEchoSocket.Echo echo = socket.send(targets.get(i));
            sent.add(echo);
            echo.outcome().thenAccept(o -> {
                switch (o.kind()) {
                    case REPLY -> round.answered(index, o.rtt(), "answered natively in " + Durations.format(o.rtt()));
                    case TIMEOUT -> {
                        lastLossNanos = scheduler.nanoTime();
                        round.failed(index, "silent natively (" + o.text() + ")", true);
                    }
                    default -> {
                        if (o.local()) {
                            synchronized (local) {
                                local[index] = o.text();
                            }
                        }
                        round.failed(index, o.text(), false);
                    }
                }
            });
        }
        Scheduler.Timer timer = scheduler.schedule(deadline, () -> {
            socket.drainNow();
            round.expire(deadline);
        });
        return round.result().whenComplete((r, e) -> {
            timer.cancel();
            for (IcmpEchoSocket.Echo echo : sent) {
                echo.outcome().complete(IcmpEchoSocket.timeout(deadline));
            }
        }).thenApply(r -> {
            synchronized (local) {
                return r.withSignal(round.nativeSignal(local.clone(), lastLossNanos));
            }
        });
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return name + " -> " + targets + " natively";
    }
}
