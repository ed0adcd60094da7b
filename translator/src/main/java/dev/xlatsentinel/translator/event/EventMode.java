package dev.xlatsentinel.translator.event;

import java.util.Locale;

/**
 * How a probe's events count for its instance ({@code onEvent:} in config). An event is the
 * kernel saying that what the probe checks changed (TAYGA's process exited, the TUN went down,
 * the egress route was removed), confirmed by the probe's own check at once.
 */
public enum EventMode {
    /** Not watched: the probe is only polled in rounds. */
    OFF,
    /**
     * The default: a confirmed fault counts as one failed round at once, and the next round
     * starts at once; {@code fall} failures in a row still take the instance DOWN.
     */
    COUNT,
    /** A confirmed fault takes the instance DOWN at once: for faults that are never ambiguous. */
    DOWN;

    /** The config word: {@code off}, {@code count}, {@code down}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the config word; null for anything else. */
    public static EventMode parse(String word) {
        for (EventMode m : values()) {
            if (m.word().equals(word)) {
                return m;
            }
        }
        return null;
    }
}
