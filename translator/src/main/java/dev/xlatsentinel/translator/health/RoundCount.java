package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.translator.probe.KOfN;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How an instance's round results count (k of n over the probes that are not evidence only,
 * which failures are certain) and the words a change gives for it. Stateless: the running
 * round and the last results are passed in by {@link InstanceHealth}, which guards them.
 */
final class RoundCount {
    private final List<Probe> probes;
    private final KOfN combine;
    private final HealthPolicy policy;

    RoundCount(List<Probe> probes, KOfN combine, HealthPolicy policy) {
        this.probes = probes;
        this.combine = combine;
        this.policy = policy;
    }

    int passed(List<ProbeResult> results) {
        int ok = 0;
        for (int i = 0; i < results.size() && i < probes.size(); i++) {
            if (!probes.get(i).evidenceOnly() && results.get(i).passed()) {
                ok++;
            }
        }
        return ok;
    }

    /**
     * A failure no rule of {@link EvidenceRule} can excuse, of a probe that counts: not a cut
     * (excused while late), not a datapath probe that failed only by timeouts (busy, upstream,
     * lossy, starved). Any other failure, the translator probe's included, is counted as it is.
     */
    boolean certainFail(int probe, ProbeResult r) {
        return !r.passed() && !probes.get(probe).evidenceOnly() && settled(r);
    }

    /** No rule at the round's end can change it: a pass, or a failure that is neither a cut nor only timeouts. */
    static boolean settled(ProbeResult r) {
        return r.passed() || !(r.signal() instanceof Signal.Hung
                || r.signal() instanceof Signal.Datapath d && d.onlyTimeouts());
    }

    /** Probe {@code i}'s result in {@code last} (the results before this round; null: none yet). */
    ProbeResult lastResult(List<ProbeResult> last, int i) {
        return i < last.size() && last.get(i).probe().equals(probes.get(i).name()) ? last.get(i) : null;
    }

    /** Some datapath probe passed without any excuse: the path through the translator answers. */
    static boolean datapathPassedOnItsOwn(List<ProbeResult> results) {
        for (ProbeResult r : results) {
            if (r.signal() instanceof Signal.Datapath && r.passed()
                    && !r.reason().startsWith("upstream") && !r.reason().startsWith("busy")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Some datapath probe's timeouts, or its cut, were excused in this round ({@code raw} failed,
     * {@code judged} passed) although it has not answered since {@code since} (scheduler time), not
     * even late: the excuse explains the failure away, but nothing shows the path alive.
     */
    static boolean silentSince(List<ProbeResult> raw, List<ProbeResult> judged, long since) {
        for (int i = 0; i < raw.size() && i < judged.size(); i++) {
            ProbeResult r = raw.get(i);
            if (r.passed() || !judged.get(i).passed()) {
                continue;
            }
            if (r.signal() instanceof Signal.Datapath d && d.onlyTimeouts() && d.lastReplyNanos() < since
                    || r.signal() instanceof Signal.Hung h && h.lastAnswerNanos() < since) {
                return true;
            }
        }
        return false;
    }

    /**
     * No datapath probe of {@code r} has answered since it started, not even late, and none of
     * its results passed; false without a datapath probe.
     */
    boolean pathSilent(RunningRound r) {
        boolean path = false;
        for (int i = 0; i < probes.size(); i++) {
            long last = probes.get(i).lastAnswerNanos();
            if (last == Long.MAX_VALUE) {
                continue; // not a probe of a path
            }
            path = true;
            if (last >= r.start || r.arrived[i] != null && r.arrived[i].passed()) {
                return false;
            }
        }
        return path;
    }

    /** What a DOWN's reason adds when {@code n} silent excused rounds stood between its failures. */
    static String silentBetween(int n) {
        return " (" + n + " round" + (n == 1 ? "" : "s") + " between them excused by the do-no-harm rules,"
                + " counted neither way: the path has not answered since the first failure, not even late)";
    }

    /** Why a round's end moved the instance {@code to}, with {@code ok} probes passed. */
    String reason(HealthState to, int ok, List<ProbeResult> results) {
        String counts = ok + "/" + combine.total() + " probes passed (" + combine + " required)";
        if (to == HealthState.UP) {
            return counts + " for " + policy.rise() + " rounds in a row";
        }
        String failing = results.stream().filter(r -> !r.passed() && !isEvidence(r)).map(ProbeResult::summary)
                .collect(Collectors.joining("; "));
        return counts + " for " + policy.fall() + " rounds in a row: " + failing;
    }

    /**
     * {@link #reason}, written when first read ({@link HealthChange}), then {@code suffix}. One
     * class for every change: its first use is the instance's first rise, long before a fault
     * (a lambda's class would be made the first time its line runs, docs/failover.md "The first
     * fault").
     */
    Supplier<String> reasonLater(HealthState to, int ok, List<ProbeResult> results, String suffix) {
        return new Later(this, to, ok, results, suffix);
    }

    private static final class Later implements Supplier<String> {
        private final RoundCount count;
        private final HealthState to;
        private final int ok;
        private final List<ProbeResult> results;
        private final String suffix;

        Later(RoundCount count, HealthState to, int ok, List<ProbeResult> results, String suffix) {
            this.count = count;
            this.to = to;
            this.ok = ok;
            this.results = results;
            this.suffix = suffix;
        }

        @Override
        public String get() {
            return count.reason(to, ok, results) + suffix;
        }
    }

    /**
     * Why a round decided early took the instance down: the failures that decided it, then the
     * last failure of each probe still running. The first to fail is often a symptom (the
     * datapath probe's "no route" when the TUN went down), and the cause is in a probe that
     * has not answered yet: its result of the round before (one of the {@code fall}) names it.
     */
    String earlyReason(RunningRound round, List<ProbeResult> last) {
        List<String> failing = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            ProbeResult r = round.arrived[i];
            if (r != null && certainFail(i, r)) {
                failing.add(r.summary());
            }
        }
        for (int i = 0; i < probes.size(); i++) {
            ProbeResult l = lastResult(last, i);
            if (round.arrived[i] == null && !probes.get(i).evidenceOnly() && l != null && !l.passed()) {
                failing.add(l.summary() + " (its last result; still running)");
            }
        }
        return "at most " + (combine.total() - round.certain) + "/" + combine.total() + " probes can pass ("
                + combine + " required) for " + policy.fall() + " rounds in a row: " + String.join("; ", failing)
                + " (counted as soon as the round could no longer pass)";
    }

    private boolean isEvidence(ProbeResult r) {
        for (Probe p : probes) {
            if (p.name().equals(r.probe())) {
                return p.evidenceOnly();
            }
        }
        return false;
    }
}
