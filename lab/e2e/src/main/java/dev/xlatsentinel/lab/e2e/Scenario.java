package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.AgentProcess;
import dev.xlatsentinel.lab.Frr;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.RouteMonitor;
import dev.xlatsentinel.lab.UdpStream;
import dev.xlatsentinel.lab.UpstreamRouter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The failover lab in one of two setups, and trials of faults on its primary gateway (gwa)
 * with a precise UDP stream running from the IPv6-only client to an IPv4 server:
 * <ul>
 * <li>{@link Mode#AGENT}: xlat-sentinel on each gateway (native BFD to the router, probes from the
 * gateway's probe namespace);</li>
 * <li>{@link Mode#BASELINE}: today's setup, FRR bfdd on each gateway with the same BFD
 * timers and nothing watching the translator.</li>
 * </ul>
 */
public final class Scenario implements AutoCloseable {
    public enum Mode {
        AGENT, BASELINE
    }

    /**
     * How a trial runs: datagram spacing, stream before and after the fault, and when to
     * repair (null: after the stream ends).
     */
    public record TrialSpec(Duration spacing, Duration before, Duration after, Duration repairAfter) {
        public static TrialSpec of(Duration before, Duration after) {
            return new TrialSpec(Duration.ofMillis(1), before, after, null);
        }

        int count() {
            return (int) (before.plus(after).toNanos() / spacing.toNanos());
        }
    }

    private static final Pattern AGENT_DOWN = Pattern.compile("UP -> DOWN at (\\S+Z)");
    private static final Duration T = Duration.ofSeconds(30);

    private final Lab lab;
    private final Nat64Lab n;
    private final Mode mode;
    private final Nat64Lab.AgentTuning tuning;
    private final Map<String, AgentProcess> agents = new LinkedHashMap<>();
    private final RouteMonitor routes;
    private final BfdCapture capture;

    private Scenario(Lab lab, Nat64Lab n, Mode mode, Nat64Lab.AgentTuning tuning, boolean capture) {
        this.lab = lab;
        this.n = n;
        this.mode = mode;
        this.tuning = tuning;
        if (mode == Mode.AGENT) {
            for (Nat64Lab.Gateway g : n.gateways()) {
                agents.put(g.name(), AgentProcess.start(lab, g.name(), n.agentConfig(g, tuning,
                        AgentProcess.socketPath(lab, g.name()))));
            }
        } else {
            for (Nat64Lab.Gateway g : n.gateways()) {
                Frr.start(g.ns(), bfddConfig(g, tuning), "bfdd");
            }
        }
        this.routes = RouteMonitor.start(n.router());
        Nat64Lab.Gateway primary = primary();
        this.capture = capture ? BfdCapture.start(primary.ns(), Nat64Lab.LAN_IF, primary.lanAddress()) : null;
    }

    /** Builds the lab topology and starts the gateways' BFD speakers (agents or bfdd). */
    public static Scenario start(Lab lab, Mode mode, Nat64Lab.AgentTuning tuning, Nat64Lab.RouterBfd routerBfd,
            boolean capture) {
        return start(lab, mode, tuning, routerBfd, capture, UpstreamRouter.Kind.BIRD2);
    }

    /** The same, with {@code router} in front of the gateways. */
    public static Scenario start(Lab lab, Mode mode, Nat64Lab.AgentTuning tuning, Nat64Lab.RouterBfd routerBfd,
            boolean capture, UpstreamRouter.Kind router) {
        return start(lab, mode, tuning, Nat64Lab.Options.defaults().withBfd(routerBfd).withRouter(router), capture);
    }

    /** The same with any lab options (e.g. the router's last-resort route). */
    public static Scenario start(Lab lab, Mode mode, Nat64Lab.AgentTuning tuning, Nat64Lab.Options options,
            boolean capture) {
        Nat64Lab n = Nat64Lab.build(lab, options);
        Scenario s = new Scenario(lab, n, mode, tuning, capture);
        s.awaitSteady();
        return s;
    }

    /** Today's gateways: bfdd with the same timers as the agent would use. */
    static String bfddConfig(Nat64Lab.Gateway g, Nat64Lab.AgentTuning t) {
        return "bfd\n peer " + Nat64Lab.ROUTER_LAN + " local-address " + g.lanAddress() + " interface "
                + Nat64Lab.LAN_IF + "\n  receive-interval " + t.bfdInterval().toMillis() + "\n  transmit-interval "
                + t.bfdInterval().toMillis() + "\n  detect-multiplier " + t.bfdMultiplier() + "\n !\n!\n";
    }

    public Nat64Lab lab() {
        return n;
    }

    public Mode mode() {
        return mode;
    }

    public AgentProcess agent(String gateway) {
        AgentProcess a = agents.get(gateway);
        if (a == null) {
            throw new IllegalStateException("no agent on " + gateway + " in " + mode + " mode");
        }
        return a;
    }

    public Nat64Lab.Gateway primary() {
        return n.gateways().get(0);
    }

    public Nat64Lab.Gateway backup() {
        return n.gateways().get(1);
    }

    /** Waits until every gateway's session is Up at the router and the route points at the primary. */
    public void awaitSteady() {
        Poll.until(T, Duration.ofMillis(20), "every BFD session Up and the route via " + primary().name(),
                () -> n.upstream().upSessions() == n.gateways().size()
                        && n.routerGateways().equals(List.of(primary().name())),
                () -> n.upstream().bfdSessions() + n.router().ip("-6", "route", "show", Nat64Lab.PREFIX));
    }

    /**
     * Stops {@code g}'s agent (SIGTERM) and starts it again, then lets it run {@code settle}
     * with the lab steady: the next fault is the first of that agent's life, after its start-up.
     */
    public void restartAgent(Nat64Lab.Gateway g, Duration settle) {
        AgentProcess a = agent(g.name());
        a.terminate(Duration.ofSeconds(20));
        a.restart();
        awaitSteady();
        hold(settle); // the agent runs this long before the fault
        awaitSteady();
    }

    /**
     * Breaks the primary while traffic flows, and measures. Leaves the lab steady again
     * (repaired, route back on the primary) or throws saying what did not come back.
     */
    public Trial trial(Fault fault, TrialSpec spec) {
        if (mode == Mode.BASELINE && !fault.translator()) {
            throw new IllegalArgumentException(fault + " needs the agent");
        }
        awaitSteady();
        Nat64Lab.Gateway g = primary();
        long csumErrorsBefore = udp6ChecksumErrors(n.client());
        UdpStream.Handle stream = UdpStream.start(n.client(), Nat64Lab.TARGETS6.get(0), spec.count(), spec.spacing(),
                Duration.ofMillis(300));
        int beforeCount = (int) (spec.before().toNanos() / spec.spacing().toNanos());
        Poll.until(T, Duration.ofMillis(1), "stream running", () -> stream.sent() >= beforeCount);
        long faultMicros = UdpStream.nowMicros();
        fault.inject(this, g);
        long repairMicros = 0;
        if (spec.repairAfter() != null) {
            hold(spec.repairAfter()); // the fault lasts this long
            repairMicros = UdpStream.nowMicros();
            fault.repair(this, g);
        }
        List<UdpStream.Packet> packets = stream.await();
        long checksumDrops = udp6ChecksumErrors(n.client()) - csumErrorsBefore;
        if (repairMicros == 0) {
            repairMicros = UdpStream.nowMicros();
            fault.repair(this, g);
        }
        awaitSteady();
        // Watch the route for a while after it came back: a flap shows as a further change. Read
        // the monitor's log only then: it may write the route's return after the route is seen.
        hold(Duration.ofMillis(500));
        List<RouteMonitor.Event> events = routes.events(Nat64Lab.PREFIX);
        long repaired = repairMicros;
        long routeBack = events.stream()
                .filter(e -> e.micros() >= repaired && e.route().contains("via " + g.lanAddress() + " "))
                .mapToLong(RouteMonitor.Event::micros).findFirst().orElse(0);
        int changesAfter = (int) events.stream().filter(e -> routeBack > 0 && e.micros() > routeBack).count();
        long moved = events.stream().filter(e -> e.micros() >= faultMicros
                && (e.deleted() || !e.route().contains("via " + g.lanAddress() + " "))).mapToLong(
                        RouteMonitor.Event::micros).findFirst().orElse(0);
        UdpStream.Packet firstBackup = UdpStream.firstVia(packets, poolPrefix(backup()), faultMicros);
        // The agent declares DOWN only for translator faults; a killed agent sends no Down (it
        // goes silent), and what a capture sees later is the restarted agent's.
        long agentDown = mode == Mode.AGENT && fault.translator() ? agentDown(agent(g.name()).log(), faultMicros) : 0;
        BfdCapture.Packet bfdDown = capture == null || fault == Fault.AGENT_KILLED ? null
                : capture.firstDownAfter(faultMicros);
        return new Trial(fault, mode == Mode.BASELINE, faultMicros, packets, agentDown,
                bfdDown == null ? 0 : bfdDown.micros(), moved, firstBackup == null ? 0 : firstBackup.answeredMicros(),
                repairMicros, routeBack, changesAfter, events.stream().filter(e -> e.micros() >= faultMicros).toList(),
                checksumDrops);
    }

    /** Lets {@code d} pass: a schedule (a fault's length, a settling time), not a wait for an event. */
    static void hold(Duration d) {
        long due = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < due) {
            LockSupport.parkNanos(due - System.nanoTime());
        }
    }

    static String poolPrefix(Nat64Lab.Gateway g) {
        return g.pool4().substring(0, g.pool4().lastIndexOf('.') + 1);
    }

    /** Udp6InCsumErrors of the namespace's kernel (/proc/net/snmp6 read inside it). */
    static long udp6ChecksumErrors(dev.xlatsentinel.lab.Netns ns) {
        return snmp6Counter(ns.exec("cat", "/proc/net/snmp6").orThrow(), "Udp6InCsumErrors");
    }

    static long snmp6Counter(String snmp6, String name) {
        for (String line : snmp6.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(name)) {
                return Long.parseLong(f[1]);
            }
        }
        throw new IllegalArgumentException("no " + name + " in /proc/net/snmp6");
    }

    /** When the agent declared the instance DOWN (from its health-change log line), after {@code since}. */
    static long agentDown(String log, long sinceMicros) {
        Matcher m = AGENT_DOWN.matcher(log);
        while (m.find()) {
            Instant at = Instant.parse(m.group(1));
            long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
            if (micros >= sinceMicros) {
                return micros;
            }
        }
        return 0;
    }

    @Override
    public void close() {
        lab.close();
    }
}
