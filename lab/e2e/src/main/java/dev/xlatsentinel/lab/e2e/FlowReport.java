package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.FlowSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a route change did to each of many flows: where each flow was translated before the
 * fault (its home: the gateway or instance whose pool the server saw), whether it lost
 * anything, whether it was translated anywhere else afterwards (moved), and where to. A
 * stateful translator breaks a flow that moves, so for flows whose home did not fail the
 * goal is 0 lost and 0 moved; for the failed home's flows, how long they were cut off.
 *
 * @param flows  every flow's outcome
 * @param failed the homes that failed
 */
public record FlowReport(List<Outcome> flows, Set<String> failed, long faultMicros) {

    /**
     * One flow.
     *
     * @param home       where it was translated before the fault (null: nothing came back before it)
     * @param movedTo    each change of translator after the fault, in order (a return home included)
     * @param lostBefore datagrams never answered, sent before the fault
     * @param lostAfter  datagrams never answered, sent after it
     * @param late       datagrams answered later than {@link FlowSet#MAX_DELAY_MICROS}
     * @param outageMs   its longest run of datagrams not answered in time after the fault, from
     *                   the first one's send time to the next answered one's (0: none)
     */
    public record Outcome(FlowSet.Flow flow, String home, List<String> movedTo, int lostBefore, int lostAfter,
            int late, double outageMs) {
        public boolean moved() {
            return !movedTo.isEmpty();
        }

        public boolean lost() {
            return lostBefore + lostAfter > 0;
        }

        /** Where it ended: its last answer's translator. */
        public String end() {
            return movedTo.isEmpty() ? home : movedTo.get(movedTo.size() - 1);
        }
    }

    /**
     * @param owner the gateway or instance that translated a datagram, from the IPv4 source the server saw (null: unknown)
     */
    public static FlowReport of(List<FlowSet.FlowResult> results, long faultMicros, Function<String, String> owner,
            Set<String> failed) {
        List<Outcome> out = new ArrayList<>();
        for (FlowSet.FlowResult r : results) {
            String home = null;
            List<String> moved = new ArrayList<>();
            int lostBefore = 0;
            int lostAfter = 0;
            long worstGap = 0;
            long gapStart = -1;
            int late = 0;
            for (int i = 0; i < r.count(); i++) {
                boolean after = r.sentMicros()[i] >= faultMicros;
                if (!r.answered(i)) {
                    if (after) {
                        lostAfter++;
                    } else {
                        lostBefore++;
                    }
                } else if (!r.onTime(i)) {
                    late++;
                }
                if (after && !r.onTime(i)) {
                    gapStart = gapStart < 0 ? r.sentMicros()[i] : gapStart;
                } else if (after && gapStart >= 0) {
                    worstGap = Math.max(worstGap, r.sentMicros()[i] - gapStart);
                    gapStart = -1;
                }
                if (!r.answered(i)) {
                    continue;
                }
                String o = owner.apply(r.via()[i]);
                if (!after) {
                    home = home == null ? o : home;
                    continue;
                }
                // Every change counts, a return home too: a stateful translator breaks the flow each time.
                String current = moved.isEmpty() ? home : moved.get(moved.size() - 1);
                if (o != null && !o.equals(current)) {
                    moved.add(o);
                }
            }
            if (gapStart >= 0) {
                // Cut off to the end: the outage lasted at least until the last send.
                worstGap = Math.max(worstGap, r.sentMicros()[r.count() - 1] - gapStart);
            }
            out.add(new Outcome(r.flow(), home, List.copyOf(moved), lostBefore, lostAfter, late, worstGap / 1000.0));
        }
        return new FlowReport(List.copyOf(out), Set.copyOf(failed), faultMicros);
    }

    /** Flows whose home did not fail (or that had none: those count as healthy and broken). */
    public List<Outcome> healthy() {
        return flows.stream().filter(o -> !failed.contains(o.home())).toList();
    }

    /** Flows whose home failed. */
    public List<Outcome> ofFailed() {
        return flows.stream().filter(o -> failed.contains(o.home())).toList();
    }

    public long healthyLostFlows() {
        return healthy().stream().filter(Outcome::lost).count();
    }

    public long healthyLostDatagrams() {
        return healthy().stream().mapToLong(o -> o.lostBefore() + o.lostAfter()).sum();
    }

    /** Healthy flows with an answer later than {@link FlowSet#MAX_DELAY_MICROS} (a starved machine), not lost. */
    public long healthyLateFlows() {
        return healthy().stream().filter(o -> o.late() > 0).count();
    }

    public long healthyMoved() {
        return healthy().stream().filter(Outcome::moved).count();
    }

    /** Flows with no answer before the fault: the lab was not steady. */
    public long homeless() {
        return flows.stream().filter(o -> o.home() == null).count();
    }

    /** Where the failed homes' flows ended, by translator (sorted), "nowhere" for flows that never came back. */
    public Map<String, Integer> failedEndedAt() {
        Map<String, Integer> m = new TreeMap<>();
        for (Outcome o : ofFailed()) {
            m.merge(o.moved() ? o.end() : "nowhere", 1, Integer::sum);
        }
        return m;
    }

    /** Where the healthy flows that moved went, as "from -> to" counts. */
    public Map<String, Integer> healthyMovedPaths() {
        Map<String, Integer> m = new TreeMap<>();
        for (Outcome o : healthy()) {
            if (o.moved()) {
                m.merge(o.home() + " -> " + String.join(" -> ", o.movedTo()), 1, Integer::sum);
            }
        }
        return m;
    }

    /** The median of the failed homes' flows' outages (ms). */
    public double medianOutageMs() {
        return Stats.median(ofFailed().stream().map(Outcome::outageMs).toList());
    }

    public double worstOutageMs() {
        return Stats.max(ofFailed().stream().map(Outcome::outageMs).toList());
    }

    /**
     * The loss window of the moved parts: from the first datagram of any failed-home flow
     * not answered in time after the fault to the first one after it that was, all those
     * flows' datagrams taken together in the order they were sent.
     */
    public static double lossWindowMs(List<FlowSet.FlowResult> results, FlowReport report) {
        Set<Integer> ids = new LinkedHashSet<>();
        report.ofFailed().forEach(o -> ids.add(o.flow().id()));
        record Sent(long micros, boolean delivered) {
        }
        List<Sent> all = new ArrayList<>();
        for (FlowSet.FlowResult r : results) {
            if (ids.contains(r.flow().id())) {
                for (int i = 0; i < r.count(); i++) {
                    if (r.sentMicros()[i] >= report.faultMicros()) {
                        all.add(new Sent(r.sentMicros()[i], r.onTime(i)));
                    }
                }
            }
        }
        all.sort(Comparator.comparingLong(Sent::micros));
        long worst = 0;
        long start = -1;
        for (Sent s : all) {
            if (!s.delivered()) {
                start = start < 0 ? s.micros() : start;
            } else if (start >= 0) {
                worst = Math.max(worst, s.micros() - start);
                start = -1;
            }
        }
        if (start >= 0) {
            worst = Math.max(worst, all.get(all.size() - 1).micros() - start);
        }
        return worst / 1000.0;
    }

    /** One paragraph for a log or an assertion message. */
    public String summary() {
        Map<String, Long> homes = new LinkedHashMap<>();
        flows.stream().map(o -> String.valueOf(o.home())).sorted().forEach(h -> homes.merge(h, 1L, Long::sum));
        return String.format(Locale.ROOT, "%d flows (homes %s); failed %s: %d flows, ended at %s, outage median "
                + "%.1f ms worst %.1f ms; healthy: %d flows, %d lost a datagram (%d datagrams), %d had a late answer, "
                + "%d moved %s",
                flows.size(), homes, failed, ofFailed().size(), failedEndedAt(), medianOutageMs(), worstOutageMs(),
                healthy().size(), healthyLostFlows(), healthyLostDatagrams(), healthyLateFlows(), healthyMoved(),
                healthyMovedPaths());
    }
}
