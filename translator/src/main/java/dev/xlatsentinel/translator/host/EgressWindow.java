package dev.xlatsentinel.translator.host;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What a translator wrote against what left the gateway: its output counter (TAYGA's TUN rx
 * packets, Jool's {@code JSTAT_SUCCESS}) and the transmit packet counters of the gateway's
 * egress interfaces (its IPv4 side and IPv6 side), compared over a window of at least
 * {@link #WINDOW_NANOS} (translator.md "Do no harm", rule 2). Not thread-safe: its probe's
 * checks are serial.
 */
public final class EgressWindow {
    /**
     * The shortest window: at the lab's 10 ms rounds one check sees a few dozen packets of a
     * starved TAYGA, too few to compare.
     */
    public static final long WINDOW_NANOS = 50_000_000L;

    private final LinkSource links;
    private final List<String> interfaces;
    private long baseOut = -1;
    private long baseLeft = -1;
    private long baseAt;
    private long written = -1;
    private long left = -1;

    /** @param interfaces the egress interfaces, in {@code links}' namespace; empty: not measured */
    public EgressWindow(LinkSource links, List<String> interfaces) {
        this.links = links;
        this.interfaces = List.copyOf(interfaces);
    }

    /** Nothing to measure. */
    public static EgressWindow none() {
        return new EgressWindow(name -> Optional.empty(), List.of());
    }

    /**
     * Reads the egress counters now and closes the window when it is {@link #WINDOW_NANOS} old.
     * Counters that went backwards (an interface or the translator re-created) or a missing
     * interface start a new window and forget the last one.
     *
     * @param output the translator's output counter so far
     * @param now    the time of {@code output}, in nanoseconds
     */
    public void update(long output, long now) throws IOException {
        if (interfaces.isEmpty()) {
            return;
        }
        long egressNow = transmitted();
        if (egressNow < 0 || baseLeft < 0 || egressNow < baseLeft || output < baseOut) {
            written = -1;
            left = -1;
        } else if (now - baseAt < WINDOW_NANOS) {
            return;
        } else {
            written = output - baseOut;
            left = egressNow - baseLeft;
        }
        baseOut = egressNow < 0 ? -1 : output;
        baseLeft = egressNow;
        baseAt = now;
    }

    /** The translator's output over the last complete window; -1: none yet, or not measured. */
    public long written() {
        return written;
    }

    /** What the egress interfaces transmitted over the same window; -1: none yet, or not measured. */
    public long egress() {
        return left;
    }

    /** Starts over (the translator went away): no window until two more readings. */
    public void forget() {
        baseLeft = -1;
        written = -1;
        left = -1;
    }

    private long transmitted() throws IOException {
        long sum = 0;
        for (String ifname : interfaces) {
            Optional<LinkState> l = links.link(ifname);
            if (l.isEmpty()) {
                return -1;
            }
            sum += l.get().txPackets();
        }
        return sum;
    }
}
