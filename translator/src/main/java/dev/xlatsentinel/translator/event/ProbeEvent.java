package dev.xlatsentinel.translator.event;

import java.util.Objects;

/**
 * What a watched probe reports between rounds: the kernel announced a change of what it
 * checks, and the probe looked at once.
 *
 * @param probe    the probe's name
 * @param fault    the look found it broken (a failed observation); false: it looks fine now
 *                 (a repair, say), which only asks for a round at once
 * @param reason   the probe's own reason, and what announced it, e.g.
 *                 {@code TUN nat64 is administratively down (link event)}
 * @param mode     how the probe's events count ({@code onEvent})
 * @param atNanos  scheduler time of the look
 */
public record ProbeEvent(String probe, boolean fault, String reason, EventMode mode, long atNanos) {
    public ProbeEvent {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(mode, "mode");
    }

    @Override
    public String toString() {
        return probe + ": " + reason;
    }
}
