package dev.xlatsentinel.translator.jool;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides from two consecutive snapshots whether a Jool instance is translating. Each
 * problem is one sentence naming the counter and its increase.
 */
public final class JoolConditions {
    static final String RECEIVED6 = "JSTAT_RECEIVED6";
    static final String RECEIVED4 = "JSTAT_RECEIVED4";
    static final String SUCCESS = "JSTAT_SUCCESS";
    static final String ENOMEM = "JSTAT_ENOMEM";
    static final String XLATOR_DISABLED = "JSTAT_XLATOR_DISABLED";
    static final String POOL6_UNSET = "JSTAT_POOL6_UNSET";
    static final String FAILED_ROUTES = "JSTAT_FAILED_ROUTES";
    static final String BIB6_NOT_FOUND = "JSTAT_BIB6_NOT_FOUND";
    static final String SSS_QUEUED = "JSTAT_JOOLD_SSS_QUEUED";
    static final String SSS_SENT = "JSTAT_JOOLD_SSS_SENT";
    static final String SSS_ENOSPC = "JSTAT_JOOLD_SSS_ENOSPC";
    static final String MISSING_ACK = "JSTAT_JOOLD_MISSING_ACK";
    static final String ACKS = "JSTAT_JOOLD_ACKS";

    private final JoolThresholds t;

    public JoolConditions(JoolThresholds thresholds) {
        this.t = thresholds;
    }

    /** The counters the enabled conditions read: missing ones mean truncated output or an older Jool. */
    public Set<String> requiredCounters() {
        Set<String> s = new LinkedHashSet<>(List.of(RECEIVED6, SUCCESS, ENOMEM, XLATOR_DISABLED, POOL6_UNSET,
                FAILED_ROUTES));
        if (t.pool4()) {
            s.add(BIB6_NOT_FOUND);
        }
        if (t.sessionSync()) {
            s.addAll(List.of(SSS_QUEUED, SSS_SENT, SSS_ENOSPC, MISSING_ACK, ACKS));
        }
        return s;
    }

    /**
     * Problems in {@code now}, compared with {@code before} (null on the first run or after a
     * counter went backwards, i.e. the instance was recreated: then only levels are checked).
     */
    public List<String> evaluate(JoolSnapshot before, JoolSnapshot now) {
        List<String> problems = new ArrayList<>();
        if (t.pool4()) {
            for (Map.Entry<JoolOutput.Protocol, Long> e : now.bibEntries().entrySet()) {
                Long cap = now.pool4Capacity().get(e.getKey());
                if (cap != null && cap > 0 && e.getValue() >= t.bibUsageMax() * cap) {
                    problems.add(String.format(Locale.ROOT,
                            "pool4 %s nearly exhausted: %d of %d transport addresses in use (%.0f%%)", e.getKey(),
                            e.getValue(), cap, 100.0 * e.getValue() / cap));
                }
            }
        }
        if (before == null) {
            return problems;
        }
        Map<String, Long> a = before.stats();
        Map<String, Long> b = now.stats();
        long off = delta(a, b, XLATOR_DISABLED);
        if (off > 0) {
            problems.add("translator disabled: " + XLATOR_DISABLED + " +" + off + " packets not translated");
        }
        long unset = delta(a, b, POOL6_UNSET);
        if (unset > 0) {
            problems.add("pool6 unset: " + POOL6_UNSET + " +" + unset + " packets not translated");
        }
        long enomem = delta(a, b, ENOMEM);
        if (enomem > 0) {
            problems.add("memory allocation failures: " + ENOMEM + " +" + enomem);
        }
        long routes = delta(a, b, FAILED_ROUTES);
        if (routes > t.failedRoutesMax()) {
            problems.add("translated packets could not be routed: " + FAILED_ROUTES + " +" + routes);
        }
        long rx6 = delta(a, b, RECEIVED6);
        long ok = delta(a, b, SUCCESS);
        if (t.receivedWithoutSuccess() > 0 && rx6 >= t.receivedWithoutSuccess() && ok == 0) {
            problems.add("no successful translation: " + RECEIVED6 + " +" + rx6 + ", " + SUCCESS + " +0");
        }
        if (t.pool4()) {
            long bib6 = delta(a, b, BIB6_NOT_FOUND);
            if (bib6 > 0) {
                problems.add("pool4 exhausted: " + BIB6_NOT_FOUND + " +" + bib6
                        + " IPv6 packets found no BIB entry and none could be created");
            }
        }
        if (t.sessionSync()) {
            long enospc = delta(a, b, SSS_ENOSPC);
            if (enospc > 0) {
                problems.add("session sync queue full: " + SSS_ENOSPC + " +" + enospc + " sessions dropped");
            }
            long missing = delta(a, b, MISSING_ACK);
            if (missing > 0 && delta(a, b, ACKS) == 0) {
                problems.add("joold not acknowledging: " + MISSING_ACK + " +" + missing + ", " + ACKS + " +0");
            }
            long queued = delta(a, b, SSS_QUEUED);
            if (queued > 0 && delta(a, b, SSS_SENT) == 0) {
                problems.add("sessions not synchronised: " + SSS_QUEUED + " +" + queued + ", " + SSS_SENT + " +0");
            }
        }
        return problems;
    }

    /** True if any counter both snapshots have went down: the instance was recreated. */
    public static boolean wentBackwards(JoolSnapshot before, JoolSnapshot now) {
        for (Map.Entry<String, Long> e : now.stats().entrySet()) {
            Long old = before.stats().get(e.getKey());
            if (old != null && e.getValue() < old && !e.getKey().equals("JSTAT_BIB_ENTRIES")
                    && !e.getKey().equals("JSTAT_SESSIONS")) {
                return true;
            }
        }
        return false;
    }

    private static long delta(Map<String, Long> a, Map<String, Long> b, String name) {
        Long x = a.get(name);
        Long y = b.get(name);
        return x == null || y == null ? 0 : y - x;
    }
}
