package dev.xlatsentinel.platform.sched;

import dev.xlatsentinel.platform.libc.Libc;

/**
 * Real-time scheduling of single threads (sched_setscheduler(2) on a thread id), never of the
 * whole process: the JVM's garbage collector, compiler and child processes stay at normal
 * scheduling. Under CPU contention a normal thread may wait milliseconds for a CPU; a
 * SCHED_FIFO thread runs as soon as it is woken. Needs CAP_SYS_NICE (or an RLIMIT_RTPRIO
 * allowance); jnr-ffi is loaded only when asked for.
 *
 * <p>Always with {@code SCHED_RESET_ON_FORK}: a real-time thread that starts a program
 * ({@code jool}, a command probe: posix_spawn(3) clones the calling thread) starts it at
 * SCHED_OTHER, not at the thread's priority.
 */
public final class Realtime {
    /** proc(5) and sched_getscheduler(2) numbers. */
    public static final int SCHED_OTHER = Libc.SCHED_OTHER;
    public static final int SCHED_FIFO = Libc.SCHED_FIFO;

    private Realtime() {
    }

    /**
     * Puts the calling thread in SCHED_FIFO at {@code priority} (1-99). Returns null when
     * done, else why not (e.g. "Operation not permitted (errno 1)"); the thread is then unchanged.
     */
    public static String raiseCurrentThread(int priority) {
        return raise(0, priority);
    }

    /** As {@link #raiseCurrentThread}, for the thread {@code tid} of this process. */
    public static String raise(int tid, int priority) {
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("SCHED_FIFO priority must be 1-99, got " + priority);
        }
        return set(tid, Libc.SCHED_FIFO | Libc.SCHED_RESET_ON_FORK, priority);
    }

    /** Puts the thread {@code tid} back to SCHED_OTHER; null when done, else why not. */
    public static String lower(int tid) {
        return set(tid, Libc.SCHED_OTHER, 0);
    }

    private static String set(int tid, int policy, int priority) {
        try {
            if (Libc.INSTANCE.sched_setscheduler(tid, policy, new int[] {priority}) != 0) {
                return "sched_setscheduler failed: " + Libc.lastError();
            }
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "cannot call sched_setscheduler: " + e;
        }
    }

    /** The calling thread's id (gettid(2)). */
    public static int currentThreadId() {
        return Libc.INSTANCE.gettid();
    }

    /**
     * The policy of thread {@code tid} (0: the calling thread): {@link #SCHED_OTHER},
     * {@link #SCHED_FIFO}, ..., without the reset-on-fork flag; -1 if it cannot be read.
     */
    public static int policy(int tid) {
        int p = Libc.INSTANCE.sched_getscheduler(tid);
        return p < 0 ? -1 : p & ~Libc.SCHED_RESET_ON_FORK;
    }

    /** Whether thread {@code tid} (0: the calling thread) has reset-on-fork set. */
    public static boolean resetsOnFork(int tid) {
        int p = Libc.INSTANCE.sched_getscheduler(tid);
        return p >= 0 && (p & Libc.SCHED_RESET_ON_FORK) != 0;
    }
}
