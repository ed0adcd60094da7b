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
     */
    record Reading(long cpuPressureMicros, long translatorWaitNanos, long backlogDrops, long squeezes) {
        public static final Reading UNKNOWN = new Reading(-1, -1, -1, -1);

        /**
         * The waits between {@code earlier} and this reading, in nanoseconds: the longer of the
         * host's CPU pressure and the translator's own wait (each -1 when unknown at either end).
         */
        public long cpuWaitSince(Reading earlier) {
            return Math.max(delta(cpuPressureMicros, earlier.cpuPressureMicros, 1000),
                    delta(translatorWaitNanos, earlier.translatorWaitNanos, 1));
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
