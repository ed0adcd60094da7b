package dev.xlatsentinel.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip -ts -6 monitor route} inside a namespace: every route change with the kernel's
 * time of notification, in wall-clock microseconds (the clock {@link UdpStream} uses).
 */
public final class RouteMonitor implements AutoCloseable {
    /** One route event: when, whether it was a deletion, and the route line as ip printed it. */
    public record Event(long micros, boolean deleted, String route) {
    }

    private final Daemon daemon;

    private RouteMonitor(Daemon daemon) {
        this.daemon = daemon;
    }

    public static RouteMonitor start(Netns ns) {
        Daemon d = ns.start("route-monitor", "ip", "-ts", "-6", "monitor", "route");
        RouteMonitor m = ns.lab().register(new RouteMonitor(d));
        // `ip monitor` prints nothing at start; give it a moment to subscribe by checking it runs.
        Poll.until(java.time.Duration.ofSeconds(5), "ip monitor running in " + ns, d::isAlive);
        return m;
    }

    /** Every event so far. */
    public List<Event> events() {
        List<Event> events = new ArrayList<>();
        Path log = daemon.log();
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (java.io.IOException e) {
            return events;
        }
        for (String line : lines) {
            if (!line.startsWith("[")) {
                continue;
            }
            int close = line.indexOf(']');
            if (close < 0) {
                continue;
            }
            LocalDateTime t = LocalDateTime.parse(line.substring(1, close));
            var instant = t.atZone(ZoneId.systemDefault()).toInstant();
            long micros = instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
            String rest = line.substring(close + 1).strip();
            boolean deleted = rest.startsWith("Deleted ");
            events.add(new Event(micros, deleted, deleted ? rest.substring(8) : rest));
        }
        return events;
    }

    /** Events for routes to {@code prefix} (e.g. "64:ff9b::/96"). */
    public List<Event> events(String prefix) {
        return events().stream().filter(e -> e.route().startsWith(prefix + " ")).toList();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
