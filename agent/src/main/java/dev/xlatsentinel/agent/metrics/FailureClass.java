package dev.xlatsentinel.agent.metrics;

import java.util.Locale;

/**
 * Why a probe failed, as a metric label: one of a fixed few, never the probe's own text (a
 * command probe that prints something new each time would otherwise make a new series each
 * round). The text stays in the log and in {@code status}.
 */
public enum FailureClass {
    /** No answer in time: a probe or command timed out. */
    TIMEOUT("timeout"),
    /** What was to be checked is not there: command, process, unit, interface, route, TUN. */
    MISSING("missing"),
    /** A command ran and exited non-zero. */
    EXIT_STATUS("exit-status"),
    /** The probe itself failed (an exception in the agent). */
    PROBE_ERROR("probe-error"),
    /** Anything else the probe judged a failure. */
    FAILED("failed");

    private final String label;

    FailureClass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The class of a probe's failure reason (the reasons the agent's probes write). */
    public static FailureClass of(String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (r.contains("timed out") || r.contains("did not finish within") || r.contains("no result within")) {
            return TIMEOUT;
        }
        if (r.startsWith("probe error")) {
            return PROBE_ERROR;
        }
        if (r.startsWith("exit ") || r.contains("' exited ")) {
            return EXIT_STATUS;
        }
        if (r.contains("not found") || r.contains("does not exist") || r.startsWith("no ")
                || r.contains("not running") || r.contains("cannot run")) {
            return MISSING;
        }
        return FAILED;
    }
}
