package dev.xlatsentinel.bfd.transport;

import dev.xlatsentinel.platform.libc.Libc;

/**
 * Real-time scheduling (SCHED_FIFO, sched_setscheduler(2)) for the calling thread only: the
 * event loop that sends every session's packets. Under CPU contention a normal thread may
 * wait tens of milliseconds for a CPU, longer than a 10 ms x 3 detection time; a SCHED_FIFO
 * thread runs as soon as it is woken. The loop sleeps between wake-up slots and uses little
 * CPU, so it cannot starve the machine (and the kernel caps real-time tasks at 95 % of each
 * second by default). Needs CAP_SYS_NICE (or an RLIMIT_RTPRIO allowance); jnr-ffi is loaded
 * only when asked for.
 */
public final class RealtimeScheduling {
    private RealtimeScheduling() {
    }

    /**
     * Puts the calling thread in SCHED_FIFO at {@code priority} (1-99). Returns null when
     * done, else why not (e.g. "errno 1": not permitted); the thread is then unchanged.
     */
    public static String applyToCurrentThread(int priority) {
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("SCHED_FIFO priority must be 1-99, got " + priority);
        }
        try {
            if (Libc.INSTANCE.sched_setscheduler(0, Libc.SCHED_FIFO, new int[] {priority}) != 0) {
                return "sched_setscheduler failed, errno " + Libc.lastErrno();
            }
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "cannot call sched_setscheduler: " + e;
        }
    }
}
