package dev.xlatsentinel.translator.datapath;

import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.probe.KOfN;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * TCP connect through the translator to {@code <pool6 prefix>::<IPv4 target>} port P, for
 * sites that filter ICMP. A completed handshake passes; so does a refusal (RST), since the
 * RST came back translated. The socket is created on the probe namespace's thread and
 * connects asynchronously; no thread waits for it.
 */
public final class TcpDatapathProbe implements Probe {
    private final String name;
    private final NetworkNamespace ns;
    private final Inet6Address source;
    private final int port;
    private final List<InetSocketAddress> destinations = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final KOfN rule;
    private final Scheduler scheduler;

    public TcpDatapathProbe(String name, NetworkNamespace ns, Inet6Address source, Nat64Prefix prefix,
            List<Inet4Address> targets, int port, int required, Scheduler scheduler) {
        this.name = name;
        this.ns = ns;
        this.source = source;
        this.port = port;
        this.rule = new KOfN(required, targets.size());
        this.scheduler = scheduler;
        for (Inet4Address t : targets) {
            destinations.add(new InetSocketAddress(prefix.embed(t), port));
            labels.add(IpAddresses.text(t) + ":" + port);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        TargetRound round = new TargetRound(name, rule, labels);
        long start = scheduler.nanoTime();
        List<AsynchronousSocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < destinations.size(); i++) {
            int index = i;
            AsynchronousSocketChannel ch;
            try {
                ch = ns.call(this::openChannel).join();
            } catch (RuntimeException e) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                round.failed(index, "cannot open socket: " + c.getMessage(), false);
                continue;
            }
            channels.add(ch);
            ch.connect(destinations.get(i), null, new CompletionHandler<Void, Void>() {
                @Override
                public void completed(Void v, Void a) {
                    round.answered(index, elapsed(start), "connected in " + Durations.format(elapsed(start)));
                    closeQuietly(ch);
                }

                @Override
                public void failed(Throwable e, Void a) {
                    if (e instanceof ConnectException && String.valueOf(e.getMessage()).contains("refused")) {
                        round.answered(index, elapsed(start), "refused (RST came back) in "
                                + Durations.format(elapsed(start)));
                    } else {
                        round.failed(index, "connect failed: " + e.getMessage(), false);
                    }
                    closeQuietly(ch);
                }
            });
        }
        Scheduler.Timer timer = scheduler.schedule(timeout, () -> round.expire(timeout));
        return round.result().whenComplete((r, e) -> {
            timer.cancel();
            channels.forEach(TcpDatapathProbe::closeQuietly);
        });
    }

    private AsynchronousSocketChannel openChannel() throws IOException {
        AsynchronousSocketChannel ch = AsynchronousSocketChannel.open();
        if (source != null) {
            try {
                ch.bind(new InetSocketAddress(source, 0));
            } catch (IOException e) {
                ch.close();
                throw new IOException("cannot bind to " + IpAddresses.text(source) + ": " + e.getMessage(), e);
            }
        }
        return ch;
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(scheduler.nanoTime() - start);
    }

    private static void closeQuietly(AsynchronousSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing an unconnected socket: nothing to report
        }
    }

    @Override
    public String toString() {
        return name + " -> " + labels + " port " + port;
    }
}
