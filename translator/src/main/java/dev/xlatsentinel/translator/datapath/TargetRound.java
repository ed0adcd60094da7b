package dev.xlatsentinel.translator.datapath;

import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.translator.probe.KOfN;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One run of a datapath probe over several targets with a k-of-n rule. It ends as soon as
 * the answer is known: k targets answered (pass), or so many failed that k cannot be
 * reached (fail), or the deadline (fail with each target's state).
 */
final class TargetRound {
    private final String probe;
    private final KOfN rule;
    private final List<String> targets;
    private final String[] outcome;
    private final boolean[] ok;
    private final boolean[] timedOut;
    private final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    private int passed;
    private int failed;
    private Duration best;

    TargetRound(String probe, KOfN rule, List<String> targets) {
        this.probe = probe;
        this.rule = rule;
        this.targets = List.copyOf(targets);
        this.outcome = new String[targets.size()];
        this.ok = new boolean[targets.size()];
        this.timedOut = new boolean[targets.size()];
    }

    CompletableFuture<ProbeResult> result() {
        return result;
    }

    /** Target {@code i} has no outcome yet and the run is not decided. */
    synchronized boolean open(int i) {
        return outcome[i] == null && !result.isDone();
    }

    synchronized void answered(int i, Duration rtt, String text) {
        if (outcome[i] != null || result.isDone()) {
            return;
        }
        outcome[i] = text;
        ok[i] = true;
        passed++;
        if (best == null || rtt.compareTo(best) < 0) {
            best = rtt;
        }
        if (rule.satisfied(passed)) {
            // Done as soon as enough answered: say so, or "1/2" reads as a dead target.
            String rest = passed < targets.size() ? ", the rest not awaited" : "";
            result.complete(ProbeResult.pass(probe, passed + "/" + targets.size() + " targets answered (" + rule
                    + " required" + rest + "), best rtt " + Durations.format(best)).withDetails(details()));
        }
    }

    synchronized void failed(int i, String text, boolean timeout) {
        if (outcome[i] != null || result.isDone()) {
            return;
        }
        outcome[i] = text;
        timedOut[i] = timeout;
        failed++;
        if (rule.lost(failed)) {
            result.complete(ProbeResult.fail(probe, failReason()).withDetails(details()));
        }
    }

    /** The deadline: every target without an outcome timed out. */
    synchronized void expire(Duration timeout) {
        for (int i = 0; i < outcome.length; i++) {
            if (outcome[i] == null) {
                failed(i, "timed out after " + Durations.format(timeout), true);
            }
        }
    }

    private String failReason() {
        int n = targets.size();
        boolean allTimedOut = true;
        for (boolean t : timedOut) {
            allTimedOut &= t;
        }
        if (allTimedOut) {
            return n + "/" + n + " targets " + outcome[0];
        }
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (outcome[i] != null && !ok[i]) {
                bad.add(targets.get(i) + " " + outcome[i]);
            }
        }
        return passed + "/" + n + " targets answered (" + rule + " required): " + String.join("; ", bad);
    }

    /** What the health rules need of this run (call once it completed). */
    synchronized dev.xlatsentinel.translator.probe.Signal.Datapath signal(long lastReplyNanos,
            dev.xlatsentinel.translator.probe.Signal.Load load) {
        boolean onlyTimeouts = passed < rule.required() && failed > 0;
        List<String> timed = new ArrayList<>();
        for (int i = 0; i < outcome.length; i++) {
            if (outcome[i] != null && !ok[i]) {
                onlyTimeouts &= timedOut[i];
                if (timedOut[i]) {
                    timed.add(targets.get(i));
                }
            }
        }
        return new dev.xlatsentinel.translator.probe.Signal.Datapath(onlyTimeouts, timed, lastReplyNanos, load);
    }

    /** Each target's outcome as the native check reports it (call once it completed). */
    synchronized dev.xlatsentinel.translator.probe.Signal.Native nativeSignal(String[] localErrors,
            long lastLossNanos) {
        Map<String, dev.xlatsentinel.translator.probe.Signal.NativeOutcome> t = new LinkedHashMap<>();
        List<String> local = new ArrayList<>();
        for (int i = 0; i < outcome.length; i++) {
            dev.xlatsentinel.translator.probe.Signal.NativeOutcome o;
            if (ok[i]) {
                o = dev.xlatsentinel.translator.probe.Signal.NativeOutcome.ANSWERED;
            } else if (localErrors[i] != null) {
                o = dev.xlatsentinel.translator.probe.Signal.NativeOutcome.LOCAL_ERROR;
                local.add(targets.get(i) + ": " + localErrors[i]);
            } else {
                o = dev.xlatsentinel.translator.probe.Signal.NativeOutcome.SILENT;
            }
            t.put(targets.get(i), o);
        }
        return new dev.xlatsentinel.translator.probe.Signal.Native(t, String.join("; ", local), lastLossNanos);
    }

    private Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            d.put(targets.get(i), outcome[i] == null ? "no answer yet" : outcome[i]);
        }
        return d;
    }
}
