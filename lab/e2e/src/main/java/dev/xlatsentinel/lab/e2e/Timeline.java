package dev.xlatsentinel.lab.e2e;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What happened during a failover, from every source on one wall clock (microseconds since
 * the epoch): the fault, the agent's decision, the BFD Down on the wire, the route change at
 * the router, the first packet through the other gateway.
 */
public final class Timeline {
    /** One event: when, what, and who saw it. */
    public record Event(long micros, String what, String source) {
    }

    private final List<Event> events = new ArrayList<>();

    public Timeline add(long micros, String what, String source) {
        if (micros > 0) {
            events.add(new Event(micros, what, source));
        }
        return this;
    }

    public List<Event> events() {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Event::micros));
        return sorted;
    }

    /** The first event whose text starts with {@code what}, or null. */
    public Event first(String what) {
        return events().stream().filter(e -> e.what().startsWith(what)).findFirst().orElse(null);
    }

    /** A table of events as milliseconds after {@code zeroMicros}, aligned. */
    public String render(long zeroMicros) {
        StringBuilder b = new StringBuilder();
        int width = events.stream().mapToInt(e -> e.what().length()).max().orElse(10);
        for (Event e : events()) {
            b.append(String.format("  %+9.1f ms  %-" + width + "s  (%s)%n", (e.micros() - zeroMicros) / 1000.0,
                    e.what(), e.source()));
        }
        return b.toString();
    }
}
