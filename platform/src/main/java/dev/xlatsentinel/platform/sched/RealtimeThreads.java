package dev.xlatsentinel.platform.sched;

import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.platform.time.SystemScheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of threads run at one SCHED_FIFO priority, each on its own say ({@link
 * #raiseCurrentThread()}), and a guard that demotes any of them that takes more CPU than
 * its budget. The threads are those on the way from a fault to the wire: they sleep until
 * the kernel or a timer wakes them and need well under a millisecond of CPU for a decision.
 * But what wakes them is not ours to bound (a routing daemon withdrawing a full table is a
 * netlink message per route in the namespace the events thread reads; an ICMP receiver can
 * be flooded), and a real-time thread that spins takes a CPU from everything at normal
 * priority, the routing daemon included, up to the kernel's 95 % cap.
 *
 * <p>keepalived bounds its real-time checker with RLIMIT_RTTIME, which kills the process: a
 * JVM cannot take that. So the guard samples each thread's CPU time every
 * {@link #SAMPLE_EVERY} from a thread at normal priority, puts a thread that used more than
 * {@link #BUDGET} of any trailing {@link #WINDOW} back to SCHED_OTHER, and raises it again
 * after {@link #QUIET} within the budget. Each step is logged; demotions are counted.
 *
 * <p>The priority is the operator's: 0 means off, and nothing is raised, sampled or started.
 */
public final class RealtimeThreads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RealtimeThreads.class);

    /** The trailing window the budget is counted over. */
    public static final Duration WINDOW = Duration.ofSeconds(1);
    /**
     * Half of one CPU. Measured in the lab at 5 ms probes: the probes' timer thread used 206-213
     * ms in a second during its first seconds (code still interpreted), and was demoted at
     * every start with 200 ms, and not again through 120 s of a saturated translator. A
     * thread that spins is still demoted within about 0.6 s, and the other half of that CPU
     * (and every other CPU) stays with the routing daemon.
     */
    public static final Duration BUDGET = Duration.ofMillis(500);
    /** How long a demoted thread keeps within the budget before it is raised again. */
    public static final Duration QUIET = Duration.ofSeconds(10);
    /** How often CPU times are read: a spinning thread is demoted within BUDGET + SAMPLE_EVERY. */
    public static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
    /**
     * A thread's start, not held against it: its CPU then is the agent's start (classes
     * loaded, jnr-ffi's native stubs made, code still interpreted). Measured in the lab at 5 ms
     * probes: the events thread used 954 ms of CPU in its first second once in six agent
     * starts, and the probes' timer 206-213 ms in a second up to 6 s after its start; both
     * were demoted at start, and neither ever again. A thread still over its budget when this
     * has passed is demoted at the next sample.
     */
    public static final Duration START_GRACE = Duration.ofSeconds(10);

    /** Nothing raised, nothing guarded. */
    public static final RealtimeThreads OFF = new RealtimeThreads("", 0, null, null, null, null, Duration.ZERO);

    /** A thread's CPU time in nanoseconds, or -1 if it has ended. */
    @FunctionalInterface
    public interface CpuClock {
        long cpuNanos(Thread thread);
    }

    /** The scheduling calls, as {@link Realtime} makes them; null for done, else why not. */
    public interface Kernel {
        int currentThreadId();

        String raise(int tid, int priority);

        String lower(int tid);
    }

    private record Watched(Thread thread, int tid, CpuBudget budget) {
    }

    private final String purpose;
    private final int priority;
    private final Scheduler clock;
    private final CpuClock cpu;
    private final Kernel kernel;
    private final AutoCloseable owned;
    private final Duration startGrace;
    private final List<Watched> watched = new CopyOnWriteArrayList<>();
    private final AtomicLong demotions = new AtomicLong();
    private boolean sampling;
    private volatile boolean closed;
    private Scheduler.Timer next;

    /**
     * Threads at {@code priority} (1-99), guarded on {@code clock}'s thread with CPU times
     * from {@code cpu}. {@code purpose} names them in logs (e.g. "detection"); the first
     * {@code startGrace} after a thread is raised is not held against it ({@link #START_GRACE}).
     */
    public RealtimeThreads(String purpose, int priority, Scheduler clock, CpuClock cpu, Kernel kernel,
            Duration startGrace) {
        this(purpose, priority, clock, cpu, kernel, null, startGrace);
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("SCHED_FIFO priority must be 1-99, got " + priority);
        }
    }

    private RealtimeThreads(String purpose, int priority, Scheduler clock, CpuClock cpu, Kernel kernel,
            AutoCloseable owned, Duration startGrace) {
        this.startGrace = startGrace;
        this.purpose = purpose;
        this.priority = priority;
        this.clock = clock;
        this.cpu = cpu;
        this.kernel = kernel;
        this.owned = owned;
    }

    /**
     * The real thing: {@link #OFF} for priority 0, else threads raised through
     * sched_setscheduler(2) and guarded from a timer thread of its own ({@code rt-guard}),
     * started when the first thread is raised.
     */
    public static RealtimeThreads of(String purpose, int priority) {
        return of(purpose, priority, START_GRACE);
    }

    /** As {@link #of(String, int)}, each thread's start not held against it for {@code startGrace}. */
    public static RealtimeThreads of(String purpose, int priority, Duration startGrace) {
        if (priority == 0) {
            return OFF;
        }
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("SCHED_FIFO priority must be 0-99, got " + priority);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) {
            LOG.warn("{} threads stay at normal scheduling: this JVM cannot read a thread's CPU time, which the "
                    + "guard needs", purpose);
            return OFF;
        }
        if (!mx.isThreadCpuTimeEnabled()) {
            mx.setThreadCpuTimeEnabled(true);
        }
        SystemScheduler guard = new SystemScheduler("rt-guard");
        return new RealtimeThreads(purpose, priority, guard, t -> mx.getThreadCpuTime(t.getId()), SYSTEM, guard,
                startGrace);
    }

    /** The calls of {@link Realtime}. */
    public static final Kernel SYSTEM = new Kernel() {
        @Override
        public int currentThreadId() {
            return Realtime.currentThreadId();
        }

        @Override
        public String raise(int tid, int priority) {
            return Realtime.raise(tid, priority);
        }

        @Override
        public String lower(int tid) {
            return Realtime.lower(tid);
        }
    };

    /** 0: off. */
    public int priority() {
        return priority;
    }

    /**
     * Puts the calling thread at the priority and under the guard; does nothing when off. A
     * thread that cannot be raised (no CAP_SYS_NICE) stays as it is, with a warning naming it
     * and the errno: the caller goes on at normal scheduling.
     */
    public void raiseCurrentThread() {
        if (priority == 0 || closed) {
            return;
        }
        Thread t = Thread.currentThread();
        if (watched.stream().anyMatch(w -> w.thread() == t)) {
            return;
        }
        int tid;
        String failed;
        try {
            tid = kernel.currentThreadId();
            failed = kernel.raise(tid, priority);
        } catch (LinkageError | RuntimeException e) {
            tid = -1;
            failed = "cannot call gettid: " + e;
        }
        if (failed != null) {
            LOG.warn("{} thread {} stays at normal scheduling: {}", purpose, t.getName(), failed);
            return;
        }
        watched.add(new Watched(t, tid, new CpuBudget(WINDOW.toNanos(), BUDGET.toNanos(), QUIET.toNanos(),
                clock.nanoTime() + startGrace.toNanos())));
        LOG.info("{} thread {} (tid {}) runs SCHED_FIFO at priority {}, demoted past {} ms of CPU a second",
                purpose, t.getName(), tid, priority, BUDGET.toMillis());
        startSampling();
    }

    private synchronized void startSampling() {
        if (!sampling && !closed) {
            sampling = true;
            next = clock.schedule(Duration.ZERO, this::sample);
        }
    }

    /** One look at every thread's CPU time; runs on the clock's thread. */
    private void sample() {
        long now = clock.nanoTime();
        for (Watched w : watched) {
            if (!w.thread().isAlive()) {
                watched.remove(w);
                continue;
            }
            long used = cpu.cpuNanos(w.thread());
            if (used < 0) {
                // Alive but unmeasurable: it must not stay real-time unguarded.
                watched.remove(w);
                String failed = kernel.lower(w.tid());
                LOG.warn("{} thread {}: its CPU time cannot be read: {}", purpose, w.thread().getName(),
                        failed == null ? "put back to SCHED_OTHER for good" : "cannot demote it: " + failed);
                continue;
            }
            CpuBudget b = w.budget();
            switch (b.sample(now, used)) {
                case DEMOTE -> demote(w, b);
                case RESTORE -> restore(w);
                case KEEP -> { }
            }
        }
        synchronized (this) {
            if (!closed) {
                next = clock.schedule(SAMPLE_EVERY, this::sample);
            }
        }
    }

    private void demote(Watched w, CpuBudget b) {
        demotions.incrementAndGet();
        String failed = kernel.lower(w.tid());
        LOG.warn("{} thread {} used {} ms of CPU in the last {} ms, over its budget of {} ms: {}", purpose,
                w.thread().getName(), b.usedNanos() / 1_000_000, WINDOW.toMillis(), BUDGET.toMillis(),
                failed == null ? "demoted to SCHED_OTHER for at least " + QUIET.toSeconds() + " s"
                        : "cannot demote it: " + failed);
    }

    private void restore(Watched w) {
        String failed = kernel.raise(w.tid(), priority);
        if (failed == null) {
            LOG.info("{} thread {} kept within its budget for {} s: back at SCHED_FIFO priority {}", purpose,
                    w.thread().getName(), QUIET.toSeconds(), priority);
        } else {
            LOG.warn("{} thread {} stays at normal scheduling: {}", purpose, w.thread().getName(), failed);
        }
    }

    /** How many times a thread was demoted for its CPU use. */
    public long demotions() {
        return demotions.get();
    }

    /** Names of the threads raised and still alive, demoted or not. */
    public List<String> threadNames() {
        return watched.stream().map(w -> w.thread().getName()).toList();
    }

    /** Whether the thread called {@code name} is demoted now. */
    public boolean isDemoted(String name) {
        return watched.stream().anyMatch(w -> w.thread().getName().equals(name) && w.budget().demoted());
    }

    /** Stops the guard; raised threads keep their priority (they end with their owners). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (next != null) {
                next.cancel();
            }
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                // closing: nothing left to do with the error
            }
        }
    }
}
