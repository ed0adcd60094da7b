package dev.xlatsentinel.translator.probe;

import java.util.List;
import java.util.Map;

/**
 * What a probe saw besides pass or fail, for the rules that tell a busy translator, or a
 * world that is down, from a broken translator (translator.md "Do no harm"). Optional on a
 * {@link ProbeResult}; a probe without one is judged on pass/fail alone.
 */
public sealed interface Signal {
    /**
     * A datapath probe (through the translator, end to end).
     *
     * @param onlyTimeouts   it failed only because answers did not come in time: no ICMP
     *                       error, no local send error (false when it passed)
     * @param timedOut       the targets (IPv4, as configured) that timed out this run
     * @param lastReplyNanos scheduler time of the latest answer to any request of this probe,
     *                       on time or late; {@link Long#MIN_VALUE} if none yet
     * @param load           how busy the host was while this run waited (null: not measured)
     */
    record Datapath(boolean onlyTimeouts, List<String> timedOut, long lastReplyNanos, Load load) implements Signal {
        public Datapath {
            timedOut = List.copyOf(timedOut);
        }

        public Datapath(boolean onlyTimeouts, List<String> timedOut, long lastReplyNanos) {
            this(onlyTimeouts, timedOut, lastReplyNanos, null);
        }
    }

    /**
     * How busy the host was while a datapath probe waited for its answers (from its send to
     * its last deadline); -1 marks what the host does not provide.
     *
     * @param waitedNanos  how long the run waited in all, its deadline extensions included
     * @param cpuWaitNanos the longer of the host's CPU pressure (some task waited for a CPU) and
     *                     the translator process's own wait for a CPU, over the whole wait
     * @param backlogDrops packets the host dropped for a full input backlog meanwhile
     * @param squeezes     times the host's packet processing ran out of budget meanwhile
     * @param extendedNanos how much the deadline was extended for the CPU the path was denied
     * @param translatorWaitNanos the translator process's own part of {@code cpuWaitNanos} (its run delay and
     *                     the wait still going on); -1 unknown (a kernel translator, or no pid)
     */
    record Load(long waitedNanos, long cpuWaitNanos, long backlogDrops, long squeezes, long extendedNanos,
            long translatorWaitNanos) {
        /** Without the translator's own part of the wait (unknown). */
        public Load(long waitedNanos, long cpuWaitNanos, long backlogDrops, long squeezes, long extendedNanos) {
            this(waitedNanos, cpuWaitNanos, backlogDrops, squeezes, extendedNanos, -1);
        }

        /** The share of a run's wait the CPU must have been denied for it to be starved: 1 in {@value}. */
        public static final int STARVED_SHARE = 4;

        /**
         * The path was denied the CPU for a quarter or more of the whole wait, extensions
         * included: a timeout then says the host was busy, not that the path is broken.
         */
        public boolean starved() {
            return cpuWaitNanos >= 0 && waitedNanos > 0 && cpuWaitNanos * STARVED_SHARE >= waitedNanos;
        }

        /** In words, for reasons and logs. */
        public String describe() {
            StringBuilder b = new StringBuilder("waited ").append(waitedNanos / 100_000 / 10.0).append(" ms");
            b.append(", CPU wait ").append(cpuWaitNanos < 0 ? "unknown" : cpuWaitNanos / 100_000 / 10.0 + " ms");
            if (translatorWaitNanos >= 0) {
                b.append(" (the translator's own ").append(translatorWaitNanos / 100_000 / 10.0).append(" ms)");
            }
            if (backlogDrops > 0) {
                b.append(", ").append(backlogDrops).append(" backlog drops");
            }
            if (squeezes > 0) {
                b.append(", ").append(squeezes).append(" squeezes");
            }
            if (extendedNanos > 0) {
                b.append(", deadline extended ").append(extendedNanos / 100_000 / 10.0).append(" ms");
            }
            return b.toString();
        }
    }

    /**
     * The translator's forwarding counters since its last check (TAYGA's TUN device; Jool's
     * counters), and how many packets left the gateway through its egress interfaces meanwhile.
     *
     * @param in         packets the kernel handed to the translator (queued or dropped)
     * @param out        packets the translator wrote back
     * @param queueDrops packets dropped because the translator's input queue was full: it is
     *                   saturated, and probes wait (or are lost) behind real traffic
     * @param starved    the translator waited for a CPU for most of the period (it is busy, not
     *                   stuck: an empty {@code out} then proves nothing)
     * @param elapsedNanos the period the counters cover
     * @param written    packets the translator wrote over the egress window (at least
     *                   {@code EGRESS_WINDOW} of the probe, ending at this check or shortly before);
     *                   -1: not measured
     * @param egress     packets the gateway's egress interfaces (its IPv4 side and IPv6 side, as
     *                   configured) transmitted over the same window; -1: not measured
     */
    record Forwarding(long in, long out, long queueDrops, boolean starved, long elapsedNanos, long written,
            long egress) implements Signal {
        /**
         * Packets per second in at which probes queue behind real traffic. Measured through
         * TAYGA: TCP at ~60 kpps without a queue drop delayed probes past 10 ms; a 1 ms test
         * stream (2 kpps) did not.
         */
        public static final long BUSY_RATE = 10_000;

        /**
         * Packets the translator must have written over the egress window for the egress counters to say
         * anything about them: below that, the gateway's own traffic (BFD, native echoes, ARP and
         * neighbour discovery) on the same interfaces is of the same size.
         */
        public static final long EGRESS_MIN_OUT = 20;

        /**
         * The share of the translator's output the egress must have transmitted, 1 in {@value}:
         * for its output to count as leaving. Loose on purpose: a congested uplink's queue may drop
         * some, the counters are read a few microseconds apart, and the translator's output splits
         * over both sides; a drop inside the gateway (a firewall rule, no route) lets almost
         * nothing out (measured: under 1 %).
         */
        public static final int EGRESS_SHARE = 4;

        /** Counters without egress figures (not measured). */
        public Forwarding(long in, long out, long queueDrops, boolean starved, long elapsedNanos) {
            this(in, out, queueDrops, starved, elapsedNanos, -1, -1);
        }

        /** Saturated: its queue overflowed, it waited for a CPU, or it takes {@link #BUSY_RATE} or more. */
        public boolean saturated() {
            return queueDrops > 0 || starved || (elapsedNanos > 0 && in * 1_000_000_000.0 / elapsedNanos >= BUSY_RATE);
        }

        /**
         * The translator's output demonstrably leaves the gateway: it wrote {@link #EGRESS_MIN_OUT}
         * or more packets and the egress interfaces transmitted at least a {@link #EGRESS_SHARE}th
         * as many. False when not measured or too few to tell.
         */
        public boolean outputLeaves() {
            return egress >= 0 && written >= EGRESS_MIN_OUT && egress * EGRESS_SHARE >= written;
        }

        /**
         * The translator's output demonstrably does NOT leave the gateway: it wrote
         * {@link #EGRESS_MIN_OUT} or more packets and the egress transmitted less than a
         * {@link #EGRESS_SHARE}th as many (dropped between the translator and the wire: a firewall
         * rule, no route). False when not measured or too few to tell.
         */
        public boolean outputHeldBack() {
            return egress >= 0 && written >= EGRESS_MIN_OUT && egress * EGRESS_SHARE < written;
        }

        /** The egress figures in words, for reasons. */
        public String describeEgress() {
            return egress < 0 ? "egress not measured" : "the egress transmitted " + egress + " packets while the "
                    + "translator wrote " + written;
        }
    }

    /** What each target did when probed natively over IPv4 from the gateway, bypassing translation. */
    enum NativeOutcome {
        /** It answered: the target and the path to it are fine. */
        ANSWERED,
        /** No answer: silence upstream or at the target. */
        SILENT,
        /** The gateway itself could not send: no route, its link down. A local fault. */
        LOCAL_ERROR
    }

    /**
     * The native check of the datapath probe's targets.
     *
     * @param targets       each target's outcome, by its IPv4 address as configured
     * @param local         the local error in words, empty when there was none
     * @param lastLossNanos scheduler time a native echo last went unanswered (the IPv4 side
     *                      itself loses packets: congestion upstream), {@link Long#MIN_VALUE} never
     */
    record Native(Map<String, NativeOutcome> targets, String local, long lastLossNanos) implements Signal {
        public Native {
            targets = Map.copyOf(targets);
        }

        public Native(Map<String, NativeOutcome> targets, String local) {
            this(targets, local, Long.MIN_VALUE);
        }
    }

    /**
     * The probe gave no result in time and was cut: the agent's own lateness, or a real hang.
     *
     * @param lastAnswerNanos the probe's {@link Probe#lastAnswerNanos()} when it was cut:
     *        {@link Long#MAX_VALUE} for a probe that is not of a path
     */
    record Hung(long lastAnswerNanos) implements Signal {
        /** A cut of a probe that is not of a path. */
        public Hung() {
            this(Long.MAX_VALUE);
        }
    }
}
