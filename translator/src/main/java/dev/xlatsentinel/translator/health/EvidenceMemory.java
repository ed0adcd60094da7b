package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.util.List;

/**
 * What the do-no-harm rules remember of the evidence between rounds: the latest forwarding
 * counters (for a round whose counters' probe was late), the latest that showed a flood (for
 * "a flood that just moved on", translator.md "Do no harm"), and the native check's latest
 * result (for a round whose native check was late). Not thread-safe: the instance's health
 * guards it.
 *
 * <p>A flood is saturation that lasted: saturated checks in a row covering {@link #FLOOD_LASTS}
 * or more, two checks at least. A burst is none: a TAYGA resumed after a stop writes its backlog
 * (measured 458 and 285 packets in two 5 ms checks, no queue drop) and must not excuse the next
 * second's timeouts as a flood that moved on.
 */
final class EvidenceMemory {
    /**
     * How long saturation must last to be remembered as a flood that may have moved on: the
     * egress window's length. A backlog written after a stop lasts a check or two.
     */
    static final Duration FLOOD_LASTS = Duration.ofMillis(50);

    private Signal.Forwarding last;
    private long lastAt;
    private Signal.Forwarding flood;
    private long floodAt;
    private int saturatedChecks;
    private long saturatedNanos;
    private Signal.Native lastNative;
    private long lastNativeAt;

    /** A round's evidence (its forwarding counters and native check, where it has them), at {@code now} (scheduler time). */
    void record(List<ProbeResult> raw, long now) {
        for (ProbeResult r : raw) {
            if (r.signal() instanceof Signal.Forwarding f) {
                record(f, now);
            } else if (r.signal() instanceof Signal.Native n) {
                lastNative = n;
                lastNativeAt = now;
            }
        }
    }

    /** A round's counters, read at {@code now} (scheduler time). */
    private void record(Signal.Forwarding f, long now) {
        last = f;
        lastAt = now;
        if (EvidenceRule.busyTraffic(f)) {
            saturatedChecks++;
            saturatedNanos += f.elapsedNanos();
            if (saturatedChecks >= 2 && saturatedNanos >= FLOOD_LASTS.toNanos()) {
                flood = f;
                floodAt = now;
            }
        } else {
            saturatedChecks = 0;
            saturatedNanos = 0;
        }
    }

    /** The latest counters, if read within {@code window} of {@code now}; else null. */
    Signal.Forwarding recent(long now, Duration window) {
        return last != null && now - lastAt <= window.toNanos() ? last : null;
    }

    /** The latest counters of a flood, if read within {@code window} of {@code now}; else null. */
    Signal.Forwarding floodWithin(long now, Duration window) {
        return flood != null && now - floodAt <= window.toNanos() ? flood : null;
    }

    /** The native check's latest result, if its round ended within {@code window} of {@code now}; else null. */
    Signal.Native nativeWithin(long now, Duration window) {
        return lastNative != null && now - lastNativeAt <= window.toNanos() ? lastNative : null;
    }
}
