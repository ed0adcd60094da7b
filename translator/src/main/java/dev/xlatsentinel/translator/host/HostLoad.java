package dev.xlatsentinel.translator.host;

/**
 * How busy the gateway's host is, as cumulative counters: read once when a datapath probe
 * sends and again when its deadline comes, the difference says whether the path had the
 * CPU it needed in between (translator.md "Do no harm"). {@link ProcHostLoad} in
 * production; tests pass readings by hand.
 */
@FunctionalInterface
public interface HostLoad {
    /** Nothing known: every counter unavailable. */
    HostLoad NONE = () -> Reading.UNKNOWN;

    Reading read();

    /**
     * One reading; -1 marks a counter this host does not provide.
     *
     * @param cpuPressureMicros   time some task waited for a CPU (PSI, /proc/pressure/cpu "some total")
     * @param translatorWaitNanos time the translator's process waited for a CPU (/proc/PID/schedstat
     *                            run delay); -1 for a kernel translator (Jool) or an unknown pid
     * @param backlogDrops        packets the kernel dropped because a CPU's input backlog was full
     *                            (/proc/net/softnet_stat, all CPUs)
     * @param squeezes            times the kernel's packet processing ran out of budget with work left
     *                            (softnet_stat time_squeeze)
     * @param translatorRunNanos  time the translator's process ran on a CPU (/proc/PID/schedstat, first
     *                            field); -1 unknown
     * @param translatorRunnable  the translator's process was runnable (state R) at this reading
     * @param atNanos             when this reading was taken (any monotonic clock, the same for every
     *                            reading of one source)
     */
    record Reading(long cpuPressureMicros, long translatorWaitNanos, long backlogDrops, long squeezes,
            long translatorRunNanos, boolean translatorRunnable, long atNanos) {
        public static final Reading UNKNOWN = new Reading(-1, -1, -1, -1);

        /** A reading without the translator's run time and state (a kernel translator, or tests of the host's counters). */
        public Reading(long cpuPressureMicros, long translatorWaitNanos, long backlogDrops, long squeezes) {
            this(cpuPressureMicros, translatorWaitNanos, backlogDrops, squeezes, -1, false, 0);
        }

        /**
         * The waits between {@code earlier} and this reading, in nanoseconds: the longer of the
         * host's CPU pressure and the translator's own wait (each -1 when unknown at either end).
         *
         * <p>The translator's own wait includes the wait still going on: the kernel adds a
         * wait to the run delay only when the process gets its CPU, and measured here neither
         * that counter nor the host's CPU pressure showed a TAYGA left runnable for 15-30 ms
         * while it waited (docs/failover.md "Soak"). A translator runnable now that has not run
         * since {@code earlier} has been waiting for a CPU since then, at most: that time counts.
         */
        public long cpuWaitSince(Reading earlier) {
            return Math.max(delta(cpuPressureMicros, earlier.cpuPressureMicros, 1000), translatorWaitSince(earlier));
        }

        /** The translator's own part of {@link #cpuWaitSince}, the wait still going on included (-1 unknown). */
        public long translatorWaitSince(Reading earlier) {
            long own = delta(translatorWaitNanos, earlier.translatorWaitNanos, 1);
            if (own >= 0 && waitingSince(earlier)) {
                own += atNanos - earlier.atNanos;
            }
            return own;
        }

        /** Runnable now, known to have had no CPU since {@code earlier}: still waiting for one. */
        public boolean waitingSince(Reading earlier) {
            return translatorRunnable && translatorRunNanos >= 0 && translatorRunNanos == earlier.translatorRunNanos
                    && atNanos > earlier.atNanos;
        }

        /** Packets dropped in the host's input backlog since {@code earlier} (-1 unknown). */
        public long backlogDropsSince(Reading earlier) {
            return delta(backlogDrops, earlier.backlogDrops, 1);
        }

        /** Budget squeezes of the host's packet processing since {@code earlier} (-1 unknown). */
        public long squeezesSince(Reading earlier) {
            return delta(squeezes, earlier.squeezes, 1);
        }

        private static long delta(long now, long then, long scale) {
            return now < 0 || then < 0 || now < then ? -1 : (now - then) * scale;
        }
    }
}
