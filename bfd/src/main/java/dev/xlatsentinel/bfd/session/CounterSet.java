package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.Counter;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** A long per {@link Counter}; written by the event loop, copied out for snapshots. */
public final class CounterSet {
    private static final Counter[] ALL = Counter.values();
    private final long[] values = new long[ALL.length];

    public void increment(Counter c) {
        values[c.ordinal()]++;
    }

    public long get(Counter c) {
        return values[c.ordinal()];
    }

    /** Sum of every drop counter. */
    public long drops() {
        long sum = 0;
        for (Counter c : ALL) {
            if (c.isDrop()) {
                sum += values[c.ordinal()];
            }
        }
        return sum;
    }

    /** An immutable copy with every counter, zero ones included. */
    public Map<Counter, Long> copy() {
        EnumMap<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : ALL) {
            m.put(c, values[c.ordinal()]);
        }
        return Collections.unmodifiableMap(m);
    }
}
