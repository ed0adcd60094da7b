package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One state change of an instance, with why: {@link #reason()} is one line for the log
 * (the failing probes' reasons for a fall, a summary for a rise), {@link #results()} is the
 * last round's full results.
 *
 * <p>The reason may be written when first asked for, not when the change is decided: a DOWN
 * is acted on (its BFD sessions held down) before anyone reads why, and writing it (every
 * failing probe's summary) took 0.2 ms of the decision to the wire, 6 ms the first time.
 */
public final class HealthChange {
    private final String instance;
    private final HealthState from;
    private final HealthState to;
    private final Instant at;
    private final List<ProbeResult> results;
    private Supplier<String> why;
    private String reason;

    public HealthChange(String instance, HealthState from, HealthState to, Instant at, String reason,
            List<ProbeResult> results) {
        this(instance, from, to, at, (Supplier<String>) null, results);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** {@code why} is called once, on the first {@link #reason()}; it must read only what cannot change. */
    public HealthChange(String instance, HealthState from, HealthState to, Instant at, Supplier<String> why,
            List<ProbeResult> results) {
        this.instance = instance;
        this.from = from;
        this.to = to;
        this.at = at;
        this.why = why;
        this.results = List.copyOf(results);
    }

    public String instance() {
        return instance;
    }

    public HealthState from() {
        return from;
    }

    public HealthState to() {
        return to;
    }

    /** When it was decided. */
    public Instant at() {
        return at;
    }

    public synchronized String reason() {
        if (reason == null) {
            reason = why.get();
            why = null;
        }
        return reason;
    }

    public List<ProbeResult> results() {
        return results;
    }

    @Override
    public String toString() {
        return instance + " " + from + " -> " + to + " at " + at + ": " + reason();
    }
}
