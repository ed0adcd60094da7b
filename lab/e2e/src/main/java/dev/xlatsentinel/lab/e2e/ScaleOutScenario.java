package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.AgentProcess;
import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.FlowSet;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.LabException;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.ScaleOutLab;
import dev.xlatsentinel.lab.UdpStream;
import dev.xlatsentinel.lab.UpstreamRouter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scale-out in the lab: gateways with one or more TAYGA instances each, xlat-sentinel on
 * every gateway (one service and BFD session per instance), and the router running the BIRD
 * config that {@code xlat-sentinel render-router-config} renders from the first gateway's
 * config (its {@code partitions:} section names every gateway), included verbatim. Or, for
 * comparison on the same gateways, plain ECMP over them.
 *
 * <p>A trial runs hundreds of UDP flows ({@link FlowSet}) spread over every part of the plan,
 * kills translators while they run, and counts per flow what was lost and which gateway
 * translated it before and after ({@link FlowReport}); then it repairs and waits until the
 * routes are back.
 */
public final class ScaleOutScenario implements AutoCloseable {
    /** How the router spreads the prefix over the gateways. */
    public enum Routing {
        /** The rendered partition plan. */
        PARTITIONS,
        /** One route via every gateway, hashed by the kernel. */
        ECMP
    }

    /**
     * @param parts          parts of the plan (a power of two)
     * @param targetsPerPart IPv4 targets per part (on the server's loopback)
     * @param portsPerTarget client sockets per target: flows = live parts x targets x ports
     */
    public record Layout(List<String> gateways, List<ScaleOutLab.InstanceSpec> instances, int parts,
            int targetsPerPart, int portsPerTarget) {
        /** The seed's layout: two gateways, lower and upper instance each, the halves. */
        public static Layout seed() {
            return new Layout(List.of("gwa", "gwb"), ScaleOutLab.InstanceSpec.HALVES, 2, 4, 32);
        }

        /** Three gateways, one instance each, eight parts. */
        public static Layout threeGateways() {
            return new Layout(List.of("gwa", "gwb", "gwc"), List.of(ScaleOutLab.InstanceSpec.ALL), 8, 2, 18);
        }
    }

    /** Each flow sends every {@code interval}; the fault comes {@code before} into the flows, which run {@code after} more. */
    public record TrialSpec(Duration interval, Duration before, Duration after) {
        /** For figures: every flow each 20 ms (about 12 600 datagrams a second for 252 flows). */
        public static final TrialSpec DEFAULT = new TrialSpec(Duration.ofMillis(20), Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        /** For the suite: each 50 ms, a lighter load on a shared machine. */
        public static final TrialSpec LIGHT = new TrialSpec(Duration.ofMillis(50), Duration.ofSeconds(1),
                Duration.ofMillis(2500));

        int rounds() {
            return (int) (before.plus(after).toNanos() / interval.toNanos());
        }
    }

    /**
     * One trial.
     *
     * @param killed        the instances whose TAYGA was killed
     * @param lossWindowMs  the failed flows' datagrams together: the longest run lost after the fault
     * @param asPlanned     failed flows that ended where the plan sends their part (partitions only)
     * @param routesAfter   each part's next hops at the router after the fault
     * @param sessionsAfter the router's BFD session states after the fault, by next hop
     * @param checksumDrops answers the client's kernel dropped for a bad UDP checksum
     */
    public record Trial(Routing routing, List<String> killed, FlowReport report, double lossWindowMs, int asPlanned,
            Map<String, List<String>> routesAfter, Map<String, String> sessionsAfter, long checksumDrops,
            List<FlowSet.FlowResult> results) {
        /** One flow's datagrams as runs: "-1000..-20 ms gwb; 0..250 ms lost; 260..1980 ms gwc". */
        public String timeline(int flowId, java.util.function.Function<String, String> owner) {
            FlowSet.FlowResult r = results.get(flowId);
            StringBuilder b = new StringBuilder("flow " + flowId + " to " + r.flow().target6() + " from port "
                    + r.flow().sourcePort() + ":");
            String run = null;
            long runStart = 0;
            long last = 0;
            for (int i = 0; i <= r.count(); i++) {
                String what = i == r.count() ? "end" : !r.answered(i) ? "lost"
                        : (r.onTime(i) ? "" : "late via ") + owner.apply(r.via()[i]);
                long at = i == r.count() ? last : (r.sentMicros()[i] - report.faultMicros()) / 1000;
                if (!what.equals(run)) {
                    if (run != null) {
                        b.append(' ').append(runStart).append("..").append(last).append(" ms ").append(run).append(';');
                    }
                    run = what;
                    runStart = at;
                }
                last = at;
            }
            return b.toString();
        }
    }

    private static final Duration T = Duration.ofSeconds(30);

    /**
     * For the suite: probes every 200 ms (50 ms while a change is pending), timeout 150 ms,
     * rise 2, fall 3; BFD 100 ms x 10. A killed TAYGA is seen by its own probe within a round
     * or two whatever the timeout, and the agent's Down goes out at once, so the wide margins
     * cost the failover little; they keep a healthy gateway announced while a shared 2-vCPU
     * machine starves its agent. At {@link Nat64Lab.AgentTuning#TOLERANT} (50 ms timeouts,
     * BFD 100 ms x 3) and load average 20-40 from other work, healthy gateways' agents cut
     * hung probes and withdrew for ~100-400 ms, and their flows moved.
     */
    public static final Nat64Lab.AgentTuning TOLERANT = new Nat64Lab.AgentTuning(Duration.ofMillis(200),
            Duration.ofMillis(50), Duration.ofMillis(150), 2, 3, Duration.ofMillis(100), 10, Duration.ZERO, false);

    private final Lab lab;
    private final ScaleOutLab n;
    private final Layout layout;
    private final String rendered;
    private final Path renderedFile;
    private final RenderedPlan plan;
    private final Map<String, AgentProcess> agents = new LinkedHashMap<>();
    /** The part of the plan each flow target lies in (NAT64 address -> part prefix). */
    private final Map<String, String> partOf = new LinkedHashMap<>();
    private final List<String> targets6 = new ArrayList<>();
    private Routing routing = Routing.PARTITIONS;

    private ScaleOutScenario(Lab lab, ScaleOutLab n, Layout layout, Nat64Lab.AgentTuning tuning) {
        this.lab = lab;
        this.n = n;
        this.layout = layout;
        String partitions = n.partitionsConfig(layout.parts());
        Map<String, Path> configs = new LinkedHashMap<>();
        for (ScaleOutLab.Gateway g : n.gateways()) {
            configs.put(g.name(), lab.file(g.name() + "-agent.yaml", n.agentConfig(g, tuning,
                    AgentProcess.socketPath(lab, g.name()), partitions)));
        }
        // The operator's way: the router's config rendered from one gateway's file, included unchanged.
        Path first = configs.values().iterator().next();
        Cmd.Result r = Cmd.exec(Duration.ofSeconds(60), List.of(AgentProcess.launcher().toString(),
                "render-router-config", "--bird", "--interface", ScaleOutLab.LAN_IF, "-c", first.toString()));
        if (!r.ok()) {
            throw new LabException("render-router-config failed: " + r.stdout() + r.stderr());
        }
        this.rendered = r.stdout();
        this.renderedFile = lab.file("rendered.bird.conf", rendered);
        this.plan = RenderedPlan.parse(rendered);
        n.startRouter(UpstreamRouter.Kind.BIRD2, ScaleOutLab.birdConfigIncluding(renderedFile));
        for (ScaleOutLab.Gateway g : n.gateways()) {
            agents.put(g.name(), AgentProcess.start(lab, g.name(), readConfig(configs.get(g.name()))));
        }
        for (String part : plan.parts()) {
            int[] block = ipv4Block(part);
            Integer octet = ScaleOutLab.unicastOctet(block[0], block[1]);
            if (octet == null) {
                continue; // 224.0.0.0/3: multicast and reserved, no unicast flow there
            }
            List<String> v4 = new ArrayList<>();
            for (int t = 0; t < layout.targetsPerPart(); t++) {
                v4.add(octet + ".100.1." + (t + 1));
            }
            n.addTargets(v4);
            for (String a : v4) {
                String six = FlowSet.nat64(ScaleOutLab.PREFIX, a);
                targets6.add(six);
                partOf.put(six, part);
            }
        }
    }

    /** Builds the lab, renders the router's config, starts router and agents, and waits until steady. */
    public static ScaleOutScenario start(Lab lab, Layout layout, Nat64Lab.AgentTuning tuning) {
        ScaleOutLab n = ScaleOutLab.build(lab, new ScaleOutLab.Options(layout.gateways(), layout.instances(),
                new Nat64Lab.RouterBfd(tuning.bfdInterval(), tuning.bfdInterval(), tuning.bfdMultiplier())));
        ScaleOutScenario s = new ScaleOutScenario(lab, n, layout, tuning);
        s.awaitSteady();
        return s;
    }

    private static String readConfig(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new LabException("cannot read " + p, e);
        }
    }

    /** {firstOctet, length} of the IPv4 destinations in a part of 64:ff9b::/96. */
    static int[] ipv4Block(String part6) {
        int slash = part6.indexOf('/');
        try {
            byte[] b = InetAddress.getByName(part6.substring(0, slash)).getAddress();
            return new int[] {b[12] & 0xff, Integer.parseInt(part6.substring(slash + 1)) - 96};
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(part6, e);
        }
    }

    public ScaleOutLab lab() {
        return n;
    }

    public String renderedConfig() {
        return rendered;
    }

    public RenderedPlan plan() {
        return plan;
    }

    public AgentProcess agent(String gateway) {
        return agents.get(gateway);
    }

    public int flows() {
        return targets6.size() * layout.portsPerTarget();
    }

    /** Switches the router to {@code r} (BIRD reconfigures in place; BFD sessions stay) and waits until steady. */
    public void use(Routing r) {
        if (r == routing) {
            return;
        }
        n.upstream().bird().reconfigure(r == Routing.ECMP ? n.ecmpBirdConfig()
                : ScaleOutLab.birdConfigIncluding(renderedFile));
        routing = r;
        awaitSteady();
    }

    /** Every session Up at the router, and every part where the plan puts it first (or every next hop in ECMP). */
    public void awaitSteady() {
        int sessions = n.instances().size();
        Poll.until(T, Duration.ofMillis(20), "every BFD session Up and " + routing + " routes in place",
                () -> n.upstream().upSessions() == sessions && routesInPlace(),
                () -> n.upstream().bfdSessions() + n.router().ip("-6", "route"));
    }

    private boolean routesInPlace() {
        if (routing == Routing.PARTITIONS) {
            return plan.parts().stream().allMatch(p -> n.nextHops(p).equals(List.of(plan.first(p))));
        }
        for (ScaleOutLab.InstanceSpec spec : layout.instances()) {
            Set<String> want = new HashSet<>();
            n.instances().stream().filter(in -> in.spec().equals(spec)).forEach(in -> want.add(in.lanAddress()));
            if (!new HashSet<>(n.nextHops(spec.nat64Prefix())).equals(want)) {
                return false;
            }
        }
        return true;
    }

    /** The instance the plan puts first for the part holding IPv4 destination octet {@code octet}. */
    public ScaleOutLab.Instance firstChoiceFor(int octet) {
        for (String p : plan.parts()) {
            int[] b = ipv4Block(p);
            if ((octet & ~(0xff >> b[1]) & 0xff) == b[0]) {
                return n.instanceAt(plan.first(p));
            }
        }
        throw new IllegalArgumentException("no part for " + octet);
    }

    /**
     * Runs the flows, kills {@code kill}'s translators {@code spec.before()} into them, and
     * counts; then restarts them and waits until the routes are back.
     */
    public Trial trial(List<ScaleOutLab.Instance> kill, TrialSpec spec) {
        awaitSteady();
        long csumBefore = Scenario.udp6ChecksumErrors(n.client());
        FlowSet.Handle flows = FlowSet.start(n.client(), ScaleOutLab.CLIENT, new FlowSet.Spec(targets6,
                layout.portsPerTarget(), spec.interval(), spec.rounds(), Duration.ofMillis(300)));
        int beforeRounds = (int) (spec.before().toNanos() / spec.interval().toNanos());
        Poll.until(T, Duration.ofMillis(1), "flows running", () -> flows.rounds() >= beforeRounds);
        long faultMicros = UdpStream.nowMicros();
        kill.forEach(ScaleOutLab.Instance::kill);
        List<FlowSet.FlowResult> results = flows.await();
        long csumDrops = Scenario.udp6ChecksumErrors(n.client()) - csumBefore;
        Map<String, List<String>> routesAfter = new LinkedHashMap<>();
        for (String p : routing == Routing.PARTITIONS ? plan.parts() : List.of(ScaleOutLab.PREFIX)) {
            routesAfter.put(p, n.nextHops(p));
        }
        Map<String, String> sessionsAfter = new LinkedHashMap<>();
        n.upstream().bird().bfdSessions().forEach(row -> sessionsAfter.put(row.address(), row.state()));
        Set<String> failed = new HashSet<>();
        Set<String> failedHops = new HashSet<>();
        kill.forEach(in -> {
            failed.add(in.label());
            failedHops.add(in.lanAddress());
        });
        FlowReport report = FlowReport.of(results, faultMicros, via -> {
            ScaleOutLab.Instance in = n.instanceOfPoolAddress(via);
            return in == null ? null : in.label();
        }, failed);
        int asPlanned = 0;
        if (routing == Routing.PARTITIONS) {
            for (FlowReport.Outcome o : report.ofFailed()) {
                String carrier = plan.carrier(partOf.get(o.flow().target6()), failedHops);
                ScaleOutLab.Instance expected = carrier == null ? null : n.instanceAt(carrier);
                if (expected != null && o.moved() && expected.label().equals(o.end()) && o.movedTo().size() == 1) {
                    asPlanned++;
                }
            }
        }
        kill.forEach(ScaleOutLab.Instance::restart);
        awaitSteady();
        List<String> labels = kill.stream().map(ScaleOutLab.Instance::label).toList();
        return new Trial(routing, labels, report, FlowReport.lossWindowMs(results, report), asPlanned, routesAfter,
                sessionsAfter, csumDrops, results);
    }

    /** The translator (instance label) whose pool holds {@code via}. */
    public String owner(String via) {
        ScaleOutLab.Instance in = n.instanceOfPoolAddress(via);
        return in == null ? null : in.label();
    }

    /** What the agents logged about decisions and BFD since {@code sinceMicros}, for a failure message. */
    public String agentEvents(long sinceMicros) {
        StringBuilder b = new StringBuilder();
        agents.forEach((name, a) -> a.log().lines()
                .filter(l -> FailoverBench.loggedMicros(l) >= sinceMicros)
                .filter(l -> l.contains("WITHDRAWN") || l.contains("RELEASED") || l.contains(" -> "))
                .forEach(l -> b.append(name).append(": ").append(l).append('\n')));
        return b.toString();
    }

    /** The part of the plan a flow's target lies in. */
    public String partOf(String target6) {
        return partOf.get(target6);
    }

    @Override
    public void close() {
        lab.close();
    }
}
