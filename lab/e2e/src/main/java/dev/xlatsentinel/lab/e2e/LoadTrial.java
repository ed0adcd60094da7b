package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.Iperf;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.RouteMonitor;
import dev.xlatsentinel.lab.UdpStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Load and correlated failure with working translators (issue 12, "do no harm"): saturating
 * iperf load through the primary gateway, and/or both probe targets dropped upstream (ICMP
 * echo-request to them only, in the IPv4 server's namespace), for a while; then counts what
 * must stay zero: the agents' withdrawals, BFD Downs in their logs, and the time the router
 * had no route to the NAT64 prefix at all.
 */
public final class LoadTrial {
    public static final int IPERF_PORT = 5201;

    /**
     * @param load        iperf load through the primary (null: none)
     * @param length      how long the load (or the dropped targets) lasts
     * @param dropTargets drop ICMP echo-request to both probe targets on the IPv4 side meanwhile
     * @param stream      a 1 ms UDP stream to a target meanwhile (traffic to other things must flow)
     */
    public record Spec(Iperf.Kind load, Duration length, boolean dropTargets, boolean stream) {
        public String label() {
            List<String> parts = new ArrayList<>();
            if (load != null) {
                parts.add(load == Iperf.Kind.UDP ? "UDP saturation (4 x 500 Mbit/s offered)" : "TCP load (4 streams)");
            }
            if (dropTargets) {
                parts.add("both probe targets unreachable");
            }
            if (parts.isEmpty()) {
                parts.add("idle");
            }
            return String.join(" + ", parts) + ", " + length.toSeconds() + " s";
        }
    }

    /**
     * What happened.
     *
     * @param withdrawals   "service ... WITHDRAWN" lines per gateway's agent
     * @param bfdDowns      BFD "-> Down" transitions in the agents' logs
     * @param noRouteMicros time the router's kernel had no route to the prefix
     * @param routeChanges  route events at the router
     * @param reasons       the first withdrawal reasons (at most 5)
     * @param rate          what iperf reported
     * @param streamLost    datagrams of the 1 ms stream lost (-1 without a stream)
     * @param alarms        lines the agents logged for the upstream alarm
     */
    public record Result(Spec spec, Map<String, Integer> withdrawals, int bfdDowns, long noRouteMicros,
            int routeChanges, List<String> reasons, String rate, long streamLost, long streamSent,
            Map<String, Long> firstAlarmMicros, long startMicros, long endMicros) {
        public int totalWithdrawals() {
            return withdrawals.values().stream().mapToInt(Integer::intValue).sum();
        }

        public double noRouteShare() {
            return (double) noRouteMicros / Math.max(1, endMicros - startMicros);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: withdrawals %s, BFD Downs %d, no route %.1f ms (%.1f %%), route "
                    + "changes %d, load %s%s%s", spec.label(), withdrawals, bfdDowns, noRouteMicros / 1000.0,
                    100 * noRouteShare(), routeChanges, rate, streamSent > 0 ? ", stream lost " + streamLost + "/"
                    + streamSent : "", reasons.isEmpty() ? "" : "; first reasons: " + reasons);
        }
    }

    private LoadTrial() {
    }

    /** Runs {@code spec} on a steady scenario and leaves it steady (or throws). */
    public static Result run(Scenario s, Spec spec) {
        s.awaitSteady();
        Nat64Lab n = s.lab();
        RouteMonitor routes = RouteMonitor.start(n.router());
        long start = UdpStream.nowMicros();
        Iperf.Load load = null;
        if (spec.load() != null) {
            Iperf.server(n.server(), spec.load(), IPERF_PORT);
            load = Iperf.client(n.client(), spec.load(), Nat64Lab.TARGETS6.get(1), IPERF_PORT, "500M", 4,
                    spec.length());
        }
        if (spec.dropTargets()) {
            dropProbeTargets(n);
        }
        String rate = "-";
        List<UdpStream.Packet> packets = List.of();
        try {
            if (spec.stream()) {
                packets = UdpStream.run(n.client(), Nat64Lab.TARGETS6.get(0), (int) spec.length().toMillis(),
                        Duration.ofMillis(1), Duration.ofMillis(300));
            }
            if (load != null) {
                rate = load.await();
            } else if (!spec.stream()) {
                Scenario.hold(spec.length()); // the trial's length, not a wait for an event
            }
        } finally {
            if (spec.dropTargets()) {
                n.server().run("nft", "delete table inet xsprobes");
            }
            if (load != null) {
                load.close();
            }
        }
        long end = UdpStream.nowMicros();
        List<RouteMonitor.Event> events = routes.events(Nat64Lab.PREFIX).stream()
                .filter(e -> e.micros() >= start && e.micros() <= end).toList();
        routes.close();
        Map<String, Integer> withdrawals = new LinkedHashMap<>();
        int downs = 0;
        List<String> reasons = new ArrayList<>();
        Map<String, Long> alarms = new LinkedHashMap<>();
        for (Nat64Lab.Gateway g : n.gateways()) {
            int w = 0;
            for (String l : s.agent(g.name()).log().lines().toList()) {
                long at = FailoverBench.loggedMicros(l);
                if (at < start || at > end) {
                    continue;
                }
                if (l.contains("service nat64 WITHDRAWN")) {
                    w++;
                    if (reasons.size() < 5) {
                        reasons.add(g.name() + ": " + l.substring(l.indexOf("WITHDRAWN")));
                    }
                } else if (l.contains(" -> Down")) {
                    downs++;
                } else if (l.contains("ALARM") && !alarms.containsKey(g.name())) {
                    alarms.put(g.name(), at);
                }
            }
            withdrawals.put(g.name(), w);
        }
        return new Result(spec, withdrawals, downs, noRoute(events, start, end), events.size(), reasons, rate,
                spec.stream() ? UdpStream.lost(packets) : -1, packets.size(), alarms, start, end);
    }

    /**
     * Saturates the primary for 2 s, then breaks it with {@code fault} (killed or frozen) and
     * returns the time from the fault to the route leaving it at the router, in ms (-1: not
     * within 5 s); repairs it and waits until the lab is steady again.
     */
    static double faultUnderLoad(Scenario s, Fault fault, int port) {
        s.awaitSteady();
        Nat64Lab n = s.lab();
        Nat64Lab.Gateway g = s.primary();
        Iperf.server(n.server(), Iperf.Kind.UDP, port);
        double ms = -1;
        try (Iperf.Load load = Iperf.client(n.client(), Iperf.Kind.UDP, Nat64Lab.TARGETS6.get(1), port, "500M", 4,
                Duration.ofSeconds(5))) {
            RouteMonitor routes = RouteMonitor.start(n.router());
            Scenario.hold(Duration.ofSeconds(2));
            long at = System.nanoTime();
            long faultMicros = UdpStream.nowMicros();
            fault.inject(s, g);
            long deadline = at + 5_000_000_000L;
            while (System.nanoTime() < deadline && n.routerGateways().contains(g.name())) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            if (!n.routerGateways().contains(g.name())) {
                // The kernel's own time of the change (ip -ts monitor), not when the poll saw it.
                ms = routes.events(Nat64Lab.PREFIX).stream().filter(e -> e.micros() >= faultMicros
                        && (e.deleted() || !e.route().contains("via " + g.lanAddress() + " ")))
                        .mapToLong(RouteMonitor.Event::micros).map(t -> t - faultMicros).findFirst()
                        .orElse((System.nanoTime() - at) / 1000) / 1000.0;
            }
            routes.close();
        }
        fault.repair(s, g);
        s.awaitSteady();
        return ms;
    }

    /** Drops ICMP echo-request to the probe targets only, where they live (the IPv4 server). */
    static void dropProbeTargets(Nat64Lab n) {
        n.server().run("nft", "add table inet xsprobes");
        n.server().run("nft", "add chain inet xsprobes in { type filter hook input priority 0 ; }");
        n.server().run("nft", "add rule inet xsprobes in ip daddr { " + String.join(", ", Nat64Lab.TARGETS4)
                + " } icmp type echo-request drop");
    }

    /** Time without any route to the prefix, from the router's route events (present at the start). */
    static long noRoute(List<RouteMonitor.Event> events, long start, long end) {
        long total = 0;
        long absentSince = -1;
        for (RouteMonitor.Event e : events) {
            if (e.deleted()) {
                if (absentSince < 0) {
                    absentSince = e.micros();
                }
            } else if (absentSince >= 0) {
                total += e.micros() - absentSince;
                absentSince = -1;
            }
        }
        if (absentSince >= 0) {
            total += end - absentSince;
        }
        return total;
    }
}
