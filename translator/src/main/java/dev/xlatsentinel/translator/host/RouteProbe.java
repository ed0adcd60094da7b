package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.event.EventReporter;
import dev.xlatsentinel.translator.event.EventSink;
import dev.xlatsentinel.translator.event.Watched;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A route to exactly {@code destination/length} exists (for example the IPv4 default route,
 * the translator's egress), optionally through {@code dev}. Read from
 * {@code /proc/thread-self/net/...} on the namespace's thread, which shows that thread's
 * namespace.
 *
 * <p>Watched: a route message for the same destination (RTM_DELROUTE when it is removed), and
 * any link going down or away (Linux removes the IPv4 routes of a link that goes down without
 * a message per route), make it look again at once, on the namespace's thread. After a
 * removal message a look that still finds the route looks again a little later (see
 * {@link EventReporter#removed}): Linux announces the removal of an IPv4 route before it
 * takes it out of the table.
 */
public final class RouteProbe implements Probe, Watched {
    private static final Path V4 = Path.of("/proc/thread-self/net/route");
    private static final Path V6 = Path.of("/proc/thread-self/net/ipv6_route");
    /** Looks after a removal message that still found the route: 7.5 ms in all, rounds go on meanwhile. */
    static final List<Duration> AGAIN_AFTER_REMOVAL = List.of(Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofNanos(4_500_000));

    private final String name;
    private final NetworkNamespace ns;
    private final InetAddress destination;
    private final int length;
    private final String dev;
    private EventReporter reporter;
    private RtnetlinkMonitor monitor;
    private Scheduler scheduler;

    public RouteProbe(String name, NetworkNamespace ns, InetAddress destination, int length, String dev) {
        this.name = name;
        this.ns = ns;
        this.destination = destination;
        this.length = length;
        this.dev = dev;
    }

    /** Watches route and link events through {@code monitor} (of the same namespace). Returns this. */
    public RouteProbe watching(EventMode mode, Scheduler clock, RtnetlinkMonitor monitor) {
        this.scheduler = clock;
        this.reporter = new EventReporter(name, mode, clock, () -> {
            try {
                return problem();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        this.monitor = monitor;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventMode eventMode() {
        return reporter == null ? EventMode.OFF : reporter.mode();
    }

    @Override
    public void watch(EventSink sink) {
        if (reporter == null) {
            return;
        }
        reporter.attach(sink);
        // The looks are made here, not per message: a lambda's class is made the first time its
        // line runs, and these lines run first on a fault (docs/failover.md "The first fault").
        Runnable onRoute = look("route event");
        Runnable onLink = look("link event");
        Runnable onOverrun = look("netlink overrun");
        Runnable onRemoval = reporter.removalLook("route removal event", scheduler, ns.executor(),
                AGAIN_AFTER_REMOVAL);
        monitor.addListener(new RtnetlinkMonitor.Listener() {
            @Override
            public void message(RtnetlinkMessage m) {
                if (m instanceof RtnetlinkMessage.Route r && r.length() == length
                        && r.destination().equals(destination)) {
                    if (r.removed()) {
                        onRemoval.run();
                    } else {
                        ns.executor().execute(onRoute);
                    }
                } else if (m instanceof RtnetlinkMessage.Link l && (l.removed() || !l.state().isUp())) {
                    ns.executor().execute(onLink);
                }
            }

            @Override
            public void lost() {
                ns.executor().execute(onOverrun);
            }
        });
    }

    /** A look, to run on the namespace's thread: /proc/thread-self/net shows the namespace of the thread that reads it. */
    private Runnable look(String what) {
        return () -> reporter.changed(what);
    }

    /** Null when the route is there; else why not. Call on the namespace's thread. */
    private String problem() throws IOException {
        return find() == null ? missing() : null;
    }

    /** The matching usable route, or null. Call on the namespace's thread. */
    private RouteTable.Route find() throws IOException {
        List<RouteTable.Route> routes = destination instanceof Inet4Address
                ? RouteTable.parseIpv4(Files.readString(V4)) : RouteTable.parseIpv6(Files.readString(V6));
        for (RouteTable.Route r : routes) {
            if (r.length() == length && r.destination().equals(destination) && (dev == null || dev.equals(r.dev()))) {
                return r;
            }
        }
        return null;
    }

    private String missing() {
        String want = IpAddresses.text(destination) + "/" + length + (dev == null ? "" : " dev " + dev);
        return "no " + (destination instanceof Inet4Address ? "IPv4" : "IPv6") + " route " + want + " in " + ns;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        return ns.call(() -> {
            RouteTable.Route r = find();
            return r != null ? ProbeResult.pass(name, "route " + r) : ProbeResult.fail(name, missing());
        });
    }
}
