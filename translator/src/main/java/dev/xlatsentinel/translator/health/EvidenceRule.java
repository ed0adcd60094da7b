package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Do no harm: before a round's failures count against a translator, the evidence must agree.
 * Applied to every round's results, in this order:
 * <ol>
 * <li><b>The agent's lateness is not the translator's fault.</b> A probe cut for giving no
 * result in time ({@link Signal.Hung}) is left out of the count while its last real result is
 * younger than {@code hungLimit}; after that it fails ("hung for N ms").</li>
 * <li><b>Busy is not broken.</b> A datapath probe that failed only by timeouts is excused when
 * the translator's counters show it saturated in this round ({@link #BUSY_PACKETS} or more
 * packets in, and its input queue overflowed, it waited for a CPU, or it took
 * {@link Signal.Forwarding#BUSY_RATE} packets per second or more) and the path answered,
 * even late, within {@code replyWindow}: a saturated translator answers slowly or loses a
 * probe in its full queue, a broken one does not answer at all. Traffic alone is not enough:
 * a translator whose output is silently dropped still takes traffic in and writes it out.
 * <b>Its output must leave.</b> Where the egress interfaces' counters are measured
 * ({@link Signal.Forwarding#outputLeaves()}): a saturated translator whose output demonstrably
 * leaves the gateway is excused beyond {@code replyWindow} (a full queue can starve a lone probe
 * for longer: measured, TAYGA starved by the flood's own packet processing took one packet in a
 * hundred); one whose output demonstrably does not leave ({@link Signal.Forwarding#outputHeldBack()}:
 * a firewall rule or a missing route between it and the wire) is never excused as busy or
 * starved. <b>A flood that just moved on</b> leaves a full queue and its lost probes behind: the
 * busy excuse also holds for {@code hungLimit} after the last counters that showed saturation
 * ({@code saturatedLately}), while the path answered within {@code replyWindow}.</li>
 * <li><b>The world is not the translator.</b> A datapath probe that failed only by timeouts is
 * excused when every target that timed out is silent natively too (over IPv4 from the gateway,
 * {@link Signal.Native}), with no local error: the fault is upstream or at the targets. This
 * raises the alarm. A native check cut for lateness leaves its result of an earlier round, at
 * most {@code hungLimit} old, as the evidence. A local error (no route, network down) is the
 * gateway's own fault and does not excuse anything; nor does a translator whose output does
 * not leave the gateway (its IPv4 link without carrier, an output firewall rule: silent
 * natively too, but here).</li>
 * <li><b>A lossy world is not a broken translator.</b> Otherwise, the busy excuse for the same
 * window when native echoes from the gateway went unanswered within {@code replyWindow}: the
 * IPv4 side itself is losing packets (congestion upstream), and losing a probe through the
 * translator there proves nothing while the path still answers; never for a translator whose
 * output does not leave the gateway.</li>
 * <li><b>A starved host is not a broken translator.</b> Otherwise, a datapath run that timed out
 * at its ceiling while its path was denied the CPU for a quarter or more of its wait
 * ({@link Signal.Load#starved()}: the host's CPU pressure or the translator's own run delay;
 * the probe already extended its deadline by that time) is not counted while the path answered,
 * even late, within {@code hungLimit}: the same bound as the agent's own lateness. On a host that
 * stays starved, a path that stops answering is counted {@code hungLimit} after its last answer;
 * one whose output does not leave, at once.</li>
 * </ol>
 * An ICMP error or a send error never is excused: the path answered "broken". Pure: time is
 * passed in.
 */
final class EvidenceRule {
    /**
     * Packets handed to the translator in one check that mean real traffic, not just the
     * probes' own (a round of two targets puts 4 packets through the TUN).
     */
    static final long BUSY_PACKETS = 20;

    /** Real traffic, and saturated by it: what the busy excuse needs. */
    static boolean busyTraffic(Signal.Forwarding f) {
        return f != null && f.in() >= BUSY_PACKETS && f.saturated();
    }

    /** What a round comes to after the rules, and what they noticed. */
    record Judged(List<ProbeResult> results, boolean busy, boolean upstream, int late, String alarm) {
    }

    private EvidenceRule() {
    }

    /**
     * @param raw            the round's results, in probe order
     * @param lastVerdict    per probe, scheduler time of its last result that was not a cut (updated here)
     * @param now            scheduler time at the end of the round
     * @param replyWindow    how recent an answer through the path must be for timeouts to count as busy
     * @param hungLimit      how long a probe may go without a real result before a cut counts
     */
    static Judged judge(List<ProbeResult> raw, long[] lastVerdict, long now, Duration replyWindow,
            Duration hungLimit) {
        return judge(raw, lastVerdict, now, replyWindow, hungLimit, null);
    }

    /**
     * @param recent the latest forwarding counters of an earlier round (at most {@code replyWindow}
     *               old), used when this round has none: the counters' probe was itself late
     */
    static Judged judge(List<ProbeResult> raw, long[] lastVerdict, long now, Duration replyWindow,
            Duration hungLimit, Signal.Forwarding recent) {
        return judge(raw, lastVerdict, now, replyWindow, hungLimit, recent, null);
    }

    /**
     * @param saturatedLately the latest forwarding counters that showed the translator saturated, at
     *                        most {@code hungLimit} old (null: none): a flood that just moved on
     */
    static Judged judge(List<ProbeResult> raw, long[] lastVerdict, long now, Duration replyWindow,
            Duration hungLimit, Signal.Forwarding recent, Signal.Forwarding saturatedLately) {
        return judge(raw, lastVerdict, now, replyWindow, hungLimit, recent, saturatedLately, null);
    }

    /**
     * @param recentNative the native check's latest result of an earlier round, at most {@code hungLimit}
     *                     old (null: none), used when this round has none: the native check was
     *                     itself cut for lateness, and a datapath timeout must not lose its
     *                     evidence for the agent's own lateness (rule 1's bound)
     */
    static Judged judge(List<ProbeResult> raw, long[] lastVerdict, long now, Duration replyWindow,
            Duration hungLimit, Signal.Forwarding recent, Signal.Forwarding saturatedLately,
            Signal.Native recentNative) {
        Signal.Forwarding fwd = null;
        Signal.Native nat = null;
        for (ProbeResult r : raw) {
            if (r.signal() instanceof Signal.Forwarding f) {
                fwd = f;
            } else if (r.signal() instanceof Signal.Native n) {
                nat = n;
            }
        }
        if (fwd == null) {
            fwd = recent;
        }
        // The native check late: its result of a round ago stands in (during a probe-target
        // outage a cut native check lost the upstream excuse, and two in a row withdrew a
        // working gateway: lab/bench/load, targets case).
        String nativeFrom = "";
        if (nat == null && recentNative != null) {
            nat = recentNative;
            nativeFrom = " (the native check of an earlier round: this round's was late)";
        }
        boolean busyNow = busyTraffic(fwd);
        // What saturated it: this round's counters, or those of a flood that moved on moments ago.
        Signal.Forwarding busyFwd = busyNow ? fwd : busyTraffic(saturatedLately) ? saturatedLately : null;
        boolean heldBack = fwd != null && fwd.outputHeldBack();
        boolean leaves = busyNow && fwd.outputLeaves();
        List<ProbeResult> out = new ArrayList<>(raw.size());
        boolean busy = false;
        boolean upstream = false;
        int late = 0;
        String alarm = null;
        for (int i = 0; i < raw.size(); i++) {
            ProbeResult r = raw.get(i);
            if (r.signal() instanceof Signal.Hung) {
                long silent = now - lastVerdict[i];
                if (silent < hungLimit.toNanos()) {
                    late++;
                    out.add(r.rejudged(true, r.reason() + ": late, not counted (no real result for "
                            + ms(silent) + ", limit " + ms(hungLimit.toNanos()) + ")"));
                } else {
                    out.add(r.rejudged(false, r.reason() + ": no real result for " + ms(silent)));
                }
                continue;
            }
            lastVerdict[i] = now;
            if (r.passed() || !(r.signal() instanceof Signal.Datapath d) || !d.onlyTimeouts()) {
                out.add(r);
                continue;
            }
            long sinceReply = d.lastReplyNanos() == Long.MIN_VALUE ? Long.MAX_VALUE : now - d.lastReplyNanos();
            // A translator whose output does not leave the gateway (a drop between it and the wire)
            // gets no excuse at all: whatever else is busy, lossy or silent, the fault is here.
            if (!heldBack) {
                if (busyFwd != null && (sinceReply <= replyWindow.toNanos() || leaves)) {
                    busy = true;
                    String answered = sinceReply <= replyWindow.toNanos() ? " and the path answered " + ms(sinceReply) + " ago"
                            : ", the path silent for " + ms(sinceReply) + " but its output leaves the gateway ("
                                    + fwd.describeEgress() + ")";
                    out.add(r.rejudged(true, "busy, not broken: " + r.reason() + ", but the translator took " + busyFwd.in()
                            + " packets in (" + busyFwd.queueDrops() + " dropped for a full queue) and wrote "
                            + busyFwd.out() + " back " + (busyNow ? "since its last check" : "in a check within the last "
                                    + ms(hungLimit.toNanos()) + " (a flood that moved on)")
                            + (busyFwd.starved() ? " (starved of CPU)" : "") + answered));
                    continue;
                }
                if (nat != null && !d.timedOut().isEmpty() && nat.local().isEmpty() && allSilent(nat, d.timedOut())) {
                    upstream = true;
                    alarm = "probe targets " + String.join(", ", d.timedOut()) + " unreachable natively from the gateway "
                            + "too: the fault is upstream or at the targets, not this translator; staying announced";
                    out.add(r.rejudged(true, "upstream, not this translator: " + r.reason() + ", and "
                            + String.join(", ", d.timedOut()) + " silent natively too" + nativeFrom));
                    continue;
                }
                boolean lossyUpstream = nat != null && nat.lastLossNanos() != Long.MIN_VALUE
                        && now - nat.lastLossNanos() <= replyWindow.toNanos();
                if (lossyUpstream && sinceReply <= replyWindow.toNanos()) {
                    busy = true;
                    out.add(r.rejudged(true, "lossy upstream, not broken: " + r.reason() + ", but native echoes from the "
                            + "gateway went unanswered " + ms(now - nat.lastLossNanos()) + " ago and the path answered "
                            + ms(sinceReply) + " ago"));
                    continue;
                }
                if (d.load() != null && d.load().starved() && sinceReply <= hungLimit.toNanos()) {
                    busy = true;
                    out.add(r.rejudged(true, "host starved, not broken: " + r.reason() + ", but the path was denied the CPU "
                            + "(" + d.load().describe() + ") and answered " + ms(sinceReply) + " ago"));
                    continue;
                }
            }
            // Counted: say why neither excuse held, so that the log line explains the decision.
            String notBusy = heldBack ? "its output does not leave the gateway (" + fwd.describeEgress() + ")"
                    : sinceReply > replyWindow.toNanos() ? "no answer through the path for " + ms(sinceReply)
                            + (busyNow ? " and its output not seen leaving (" + fwd.describeEgress() + ")" : "")
                    : fwd == null ? "no forwarding counters"
                    : busyFwd == null ? "translator not saturated (" + fwd.in() + " packets in, " + fwd.queueDrops()
                            + " queue drops)" + (nat == null ? "" : " and the IPv4 side lost no native echo")
                    : "the IPv4 side lost no native echo";
            String notUpstream = nat == null ? "no native check"
                    : !nat.local().isEmpty() ? "natively: local error " + nat.local()
                    : "natively " + nat.targets() + nativeFrom;
            String host = d.load() == null ? "" : "; host: " + d.load().describe()
                    + (!d.load().starved() ? "" : ", starved but no answer through the path for " + ms(sinceReply));
            out.add(r.rejudged(false, r.reason() + " (counted: " + notBusy + "; " + notUpstream + host + ")"));
        }
        return new Judged(out, busy, upstream, late, alarm);
    }

    private static boolean allSilent(Signal.Native nat, List<String> targets) {
        for (String t : targets) {
            if (nat.targets().get(t) != Signal.NativeOutcome.SILENT) {
                return false;
            }
        }
        return true;
    }

    private static String ms(long nanos) {
        return nanos == Long.MAX_VALUE ? "never" : Durations.format(Duration.ofNanos(nanos));
    }
}
