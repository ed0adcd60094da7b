package dev.xlatsentinel.translator.datapath;

import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.probe.KOfN;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
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
 */
public final class IcmpDatapathProbe implements Probe, AutoCloseable {
    private final String name;
    private final IcmpEchoSocket socket;
    private final List<Inet4Address> targets;
    private final List<Inet6Address> destinations = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final KOfN rule;
    private final Scheduler scheduler;

    public IcmpDatapathProbe(String name, IcmpEchoSocket socket, Nat64Prefix prefix, List<Inet4Address> targets,
            int required, Scheduler scheduler) {
        this.name = name;
        this.socket = socket;
        this.targets = List.copyOf(targets);
        this.rule = new KOfN(required, targets.size());
        this.scheduler = scheduler;
        for (Inet4Address t : this.targets) {
            destinations.add(prefix.embed(t));
            labels.add(IpAddresses.text(t));
        }
    }

    @Override
    public String name() {
        return name;
    }

    public List<Inet6Address> destinations() {
        return List.copyOf(destinations);
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        TargetRound round = new TargetRound(name, rule, labels);
        List<IcmpEchoSocket.Echo> sent = new ArrayList<>();
        for (int i = 0; i < destinations.size(); i++) {
            int index = i;
            IcmpEchoSocket.Echo echo = socket.send(destinations.get(i));
            sent.add(echo);
            echo.outcome().thenAccept(o -> {
                switch (o.kind()) {
                    case REPLY -> round.answered(index, o.rtt(), "answered in " + Durations.format(o.rtt()));
                    case TIMEOUT -> round.failed(index, o.text(), true);
                    default -> round.failed(index, o.text(), false);
                }
            });
        }
        Scheduler.Timer timer = scheduler.schedule(timeout, () -> round.expire(timeout));
        return round.result().whenComplete((r, e) -> {
            timer.cancel();
            // Done early (k answered, or lost): stop waiting for the rest.
            for (IcmpEchoSocket.Echo echo : sent) {
                echo.outcome().complete(IcmpEchoSocket.timeout(timeout));
            }
        });
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
