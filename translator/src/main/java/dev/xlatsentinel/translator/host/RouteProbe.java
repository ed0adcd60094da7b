package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
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
 */
public final class RouteProbe implements Probe {
    private static final Path V4 = Path.of("/proc/thread-self/net/route");
    private static final Path V6 = Path.of("/proc/thread-self/net/ipv6_route");

    private final String name;
    private final NetworkNamespace ns;
    private final InetAddress destination;
    private final int length;
    private final String dev;

    public RouteProbe(String name, NetworkNamespace ns, InetAddress destination, int length, String dev) {
        this.name = name;
        this.ns = ns;
        this.destination = destination;
        this.length = length;
        this.dev = dev;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        boolean v4 = destination instanceof Inet4Address;
        String want = IpAddresses.text(destination) + "/" + length + (dev == null ? "" : " dev " + dev);
        return ns.call(() -> {
            List<RouteTable.Route> routes = v4 ? RouteTable.parseIpv4(Files.readString(V4))
                    : RouteTable.parseIpv6(Files.readString(V6));
            for (RouteTable.Route r : routes) {
                if (r.length() == length && r.destination().equals(destination) && (dev == null || dev.equals(r.dev()))) {
                    return ProbeResult.pass(name, "route " + r);
                }
            }
            return ProbeResult.fail(name, "no " + (v4 ? "IPv4" : "IPv6") + " route " + want + " in " + ns);
        });
    }
}
