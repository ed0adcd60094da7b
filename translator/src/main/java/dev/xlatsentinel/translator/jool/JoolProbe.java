package dev.xlatsentinel.translator.jool;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.host.EgressWindow;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A Jool instance's own view, through its CLI run in the instance's namespace (Jool has no
 * library API; one subprocess per query, bounded by the probe's timeout):
 * {@code -i NAME instance status}, {@code stats display --csv --all}, and for stateful NAT64
 * {@code pool4 display --csv} and {@code bib display --numeric --csv} per protocol.
 * Fails closed: a missing binary, an unloaded kernel module or output it cannot read is a
 * failed run with that reason.
 */
public final class JoolProbe implements Probe {
    /** What stderr says when the kernel module is not loaded (src/usr/nl/core.c). */
    static final String NOT_MODPROBED = "socket family doesn't seem to exist";

    private final String name;
    private final String instance;
    private final NetworkNamespace ns;
    private final List<String> base;
    private final JoolThresholds thresholds;
    private final JoolConditions conditions;
    private final Subprocess subprocess;
    private final Scheduler scheduler;
    private final EgressWindow egress;
    private JoolSnapshot previous;
    private long previousAt;

    /**
     * @param binary   {@code jool} (stateful NAT64) or {@code jool_siit}, or a path to one
     * @param instance the Jool instance name ({@code -i})
     * @param ns       the instance's namespace (commands run inside it), or null for the host
     */
    public JoolProbe(String name, String binary, String instance, NetworkNamespace ns, JoolThresholds thresholds,
            Subprocess subprocess, Scheduler scheduler) {
        this(name, binary, instance, ns, thresholds, subprocess, scheduler, EgressWindow.none());
    }

    /**
     * @param egress the gateway's egress interfaces, whose transmit counters are compared with
     *               {@code JSTAT_SUCCESS} (Jool's output) for the health rules
     */
    public JoolProbe(String name, String binary, String instance, NetworkNamespace ns, JoolThresholds thresholds,
            Subprocess subprocess, Scheduler scheduler, EgressWindow egress) {
        this.egress = egress;
        this.name = name;
        this.instance = instance;
        this.ns = ns;
        this.base = List.of(binary, "-i", instance);
        this.thresholds = thresholds;
        this.conditions = new JoolConditions(thresholds);
        this.subprocess = subprocess;
        this.scheduler = scheduler;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        long deadline = scheduler.nanoTime() + timeout.toNanos();
        return cli(deadline, "instance", "status").thenCompose(status -> {
            String problem = statusProblem(status);
            return problem != null ? done(ProbeResult.fail(name, problem)) : queries(deadline);
        });
    }

    /** Why {@code instance status} says the instance cannot translate, or null if it is Running. */
    String statusProblem(Subprocess.Result status) {
        String problem = cliProblem(status);
        // Without the kernel module jool prints "Dead" and the reason on stderr.
        if (problem != null && !status.stdout().startsWith("Dead")) {
            return problem;
        }
        try {
            JoolOutput.Status s = JoolOutput.parseStatus(status.stdout());
            if (!s.running()) {
                return problem != null ? problem : "instance " + instance + " is " + s.text();
            }
            return problem;
        } catch (JoolOutputException e) {
            return e.getMessage();
        }
    }

    private CompletableFuture<ProbeResult> queries(long deadline) {
        CompletableFuture<Subprocess.Result> stats = cli(deadline, "stats", "display", "--csv", "--all");
        Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> pool4 = new EnumMap<>(JoolOutput.Protocol.class);
        Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> bib = new EnumMap<>(JoolOutput.Protocol.class);
        if (thresholds.pool4()) {
            for (JoolOutput.Protocol p : JoolOutput.Protocol.values()) {
                String flag = "--" + p.name().toLowerCase(java.util.Locale.ROOT);
                pool4.put(p, cli(deadline, "pool4", "display", "--csv", flag));
                bib.put(p, cli(deadline, "bib", "display", "--numeric", "--csv", flag));
            }
        }
        List<CompletableFuture<?>> all = new ArrayList<>(List.of(stats));
        all.addAll(pool4.values());
        all.addAll(bib.values());
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(v -> evaluate(stats.join(), pool4, bib));
    }

    /** Judges one run's outputs; unreadable output is a failed result, never an exception. */
    synchronized ProbeResult evaluate(Subprocess.Result statsOut,
            Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> pool4,
            Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> bib) {
        String problem = cliProblem(statsOut);
        if (problem != null) {
            return ProbeResult.fail(name, problem);
        }
        try {
            return judge(snapshot(statsOut, pool4, bib));
        } catch (JoolOutputException e) {
            return ProbeResult.fail(name, e.getMessage());
        }
    }

    /** Turns the command results into a snapshot; throws on anything unreadable. */
    JoolSnapshot snapshot(Subprocess.Result statsOut,
            Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> pool4,
            Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> bib) throws JoolOutputException {
        if (statsOut.truncated()) {
            throw new JoolOutputException("stats output larger than expected; not read");
        }
        Map<String, Long> stats = JoolOutput.parseStats(statsOut.stdout());
        Map<JoolOutput.Protocol, Long> cap = new EnumMap<>(JoolOutput.Protocol.class);
        Map<JoolOutput.Protocol, Long> entries = new EnumMap<>(JoolOutput.Protocol.class);
        for (JoolOutput.Protocol p : pool4.keySet()) {
            Subprocess.Result pr = pool4.get(p).join();
            Subprocess.Result br = bib.get(p).join();
            for (Subprocess.Result r : List.of(pr, br)) {
                String problem = cliProblem(r);
                if (problem != null) {
                    throw new JoolOutputException(problem);
                }
            }
            JoolOutput.parsePool4Capacity(pr.stdout()).forEach(cap::put);
            entries.put(p, JoolOutput.countBib(br.stdout(), br.lines()));
        }
        return new JoolSnapshot(stats, cap, entries);
    }

    /** Compares with the previous run and remembers this one. */
    synchronized ProbeResult judge(JoolSnapshot snap) throws JoolOutputException {
        Set<String> required = conditions.requiredCounters();
        for (String c : required) {
            if (!snap.stats().containsKey(c)) {
                previous = null;
                throw new JoolOutputException("counter " + c + " missing from 'stats display --csv --all'"
                        + " (output truncated, or a Jool without it)");
            }
        }
        JoolSnapshot before = previous;
        if (before != null && JoolConditions.wentBackwards(before, snap)) {
            before = null; // instance recreated: a new baseline
        }
        long now = scheduler.nanoTime();
        try {
            egress.update(snap.stats().get(JoolConditions.SUCCESS), now);
        } catch (java.io.IOException e) {
            egress.forget(); // not measured this time; the rules do without it
        }
        Signal.Forwarding forwarding = before == null ? null : forwarding(before, snap, now - previousAt,
                egress.written(), egress.egress());
        previous = snap;
        previousAt = now;
        List<String> problems = conditions.evaluate(before, snap);
        Map<String, String> details = new LinkedHashMap<>();
        for (String c : required) {
            details.put(c, Long.toString(snap.stats().get(c)));
        }
        snap.bibEntries().forEach((p, n) -> details.put("bib_" + p, Long.toString(n)));
        snap.pool4Capacity().forEach((p, n) -> details.put("pool4_" + p, Long.toString(n)));
        ProbeResult r = problems.isEmpty()
                ? ProbeResult.pass(name, "instance " + instance + " running"
                        + (before == null ? " (first counters read)" : ", counters normal")).withDetails(details)
                : ProbeResult.fail(name, String.join("; ", problems)).withDetails(details);
        return forwarding == null ? r : r.withSignal(forwarding);
    }

    /**
     * Jool's traffic since the previous run, for the health rules' "busy is not broken"
     * (translator.md "Do no harm"): packets received from both sides in, packets translated
     * out. Jool translates in the kernel's packet path: it has no queue of its own and no
     * process to starve, so queue drops are 0 and starved is false; a Jool moving
     * {@link Signal.Forwarding#BUSY_RATE} packets a second or more is saturated by rate alone.
     * With egress interfaces, {@code JSTAT_SUCCESS} is its output against what they transmitted.
     */
    static Signal.Forwarding forwarding(JoolSnapshot before, JoolSnapshot now, long elapsedNanos, long written,
            long egress) {
        long in = delta(before, now, JoolConditions.RECEIVED6) + delta(before, now, JoolConditions.RECEIVED4);
        long out = delta(before, now, JoolConditions.SUCCESS);
        return new Signal.Forwarding(in, out, 0, false, elapsedNanos, written, egress);
    }

    private static long delta(JoolSnapshot before, JoolSnapshot now, String counter) {
        Long a = before.stats().get(counter);
        Long b = now.stats().get(counter);
        return a == null || b == null || b < a ? 0 : b - a;
    }

    private CompletableFuture<Subprocess.Result> cli(long deadline, String... args) {
        List<String> argv = new ArrayList<>(base);
        argv.addAll(List.of(args));
        long left = Math.max(1_000_000, deadline - scheduler.nanoTime());
        return subprocess.run(ns, argv, Duration.ofNanos(left));
    }

    /** Why a jool command failed, in the operator's words; null if it ran fine. */
    static String cliProblem(Subprocess.Result r) {
        if (r.startError() != null) {
            return r.startError().contains("not found") ? r.startError() + ": Jool's userspace client is not installed"
                    : r.startError();
        }
        if (r.stderr().contains(NOT_MODPROBED)) {
            return "Jool kernel module not loaded: " + r.stderr().strip().replace("Error: ", "").replace('\n', ' ');
        }
        if (!r.ok()) {
            return r.failure();
        }
        return null;
    }

    private static CompletableFuture<ProbeResult> done(ProbeResult r) {
        return CompletableFuture.completedFuture(r);
    }
}
