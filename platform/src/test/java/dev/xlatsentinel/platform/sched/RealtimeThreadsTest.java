package dev.xlatsentinel.platform.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The guard on a manual clock: CPU times are given by hand and the scheduling calls are
 * written down (the real calls are in RealtimeThreadsIT, as root).
 */
class RealtimeThreadsTest {
    private final ManualClock clock = new ManualClock(0);
    private final Map<Thread, Long> cpu = new ConcurrentHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private String refuse;

    private final RealtimeThreads.Kernel kernel = new RealtimeThreads.Kernel() {
        @Override
        public int currentThreadId() {
            return 4242;
        }

        @Override
        public String raise(int tid, int priority) {
            calls.add("raise " + tid + " " + priority);
            return refuse;
        }

        @Override
        public String lower(int tid) {
            calls.add("lower " + tid);
            return null;
        }
    };
    private final RealtimeThreads threads = new RealtimeThreads("detection", 7, clock,
            t -> cpu.getOrDefault(t, -1L), kernel, Duration.ZERO);

    /** Moves the clock by {@code ms}, the calling thread using {@code share} of a CPU meanwhile. */
    private void run(long ms, double share) {
        for (long i = 0; i < ms; i += 100) {
            cpu.merge(Thread.currentThread(), (long) (100_000_000 * share), Long::sum);
            clock.advance(Duration.ofMillis(100));
        }
    }

    @Test
    void offRaisesNothing() {
        RealtimeThreads.OFF.raiseCurrentThread();
        assertThat(RealtimeThreads.OFF.threadNames()).isEmpty();
        assertThat(RealtimeThreads.OFF.priority()).isZero();
    }

    @Test
    void aThreadWithinItsBudgetKeepsItsPriority() {
        cpu.put(Thread.currentThread(), 0L);
        threads.raiseCurrentThread();
        run(5000, 0.1);
        assertThat(calls).containsExactly("raise 4242 7");
        assertThat(threads.threadNames()).containsExactly(Thread.currentThread().getName());
        assertThat(threads.demotions()).isZero();
    }

    @Test
    void aSpinningThreadIsDemotedOnceOverItsBudgetAndRaisedAgainAfterTenQuietSeconds() {
        cpu.put(Thread.currentThread(), 0L);
        threads.raiseCurrentThread();
        clock.runDue();
        run(500, 1.0);
        assertThat(calls).as("500 ms of CPU in a second is the budget, not over it").containsExactly("raise 4242 7");
        run(100, 1.0);
        assertThat(calls).containsExactly("raise 4242 7", "lower 4242");
        assertThat(threads.isDemoted(Thread.currentThread().getName())).isTrue();
        assertThat(threads.demotions()).isEqualTo(1);
        // The 600 ms of spinning keep the trailing second over 500 ms until 1.1 s: quiet from 1.0 s on.
        run(10_300, 0.0);
        assertThat(calls).as("10.9 s: not yet ten quiet seconds").hasSize(2);
        run(100, 0.0);
        assertThat(calls).containsExactly("raise 4242 7", "lower 4242", "raise 4242 7");
        assertThat(threads.isDemoted(Thread.currentThread().getName())).isFalse();
    }

    @Test
    void aThreadsStartIsNotHeldAgainstItButABusyThreadAfterItIs() {
        RealtimeThreads graced = new RealtimeThreads("detection", 7, clock, t -> cpu.getOrDefault(t, -1L), kernel,
                Duration.ofSeconds(2));
        cpu.put(Thread.currentThread(), 0L);
        graced.raiseCurrentThread();
        clock.runDue();
        run(1900, 1.0);
        assertThat(calls).as("a busy start").containsExactly("raise 4242 7");
        run(200, 1.0);
        assertThat(calls).as("still busy once its start is over").containsExactly("raise 4242 7", "lower 4242");
        assertThat(graced.demotions()).isEqualTo(1);
    }

    @Test
    void aThreadThatCannotBeRaisedIsNotGuarded() {
        refuse = "sched_setscheduler failed: Operation not permitted (errno 1)";
        threads.raiseCurrentThread();
        assertThat(threads.threadNames()).isEmpty();
        assertThat(clock.pending()).as("no sampling without a raised thread").isZero();
    }

    @Test
    void aThreadRaisedTwiceIsWatchedOnce() {
        cpu.put(Thread.currentThread(), 0L);
        threads.raiseCurrentThread();
        threads.raiseCurrentThread();
        assertThat(threads.threadNames()).hasSize(1);
        assertThat(calls).hasSize(1);
    }

    @Test
    void anEndedThreadIsDropped() throws InterruptedException {
        Thread t = new Thread(threads::raiseCurrentThread, "short-lived");
        t.start();
        t.join();
        assertThat(calls).containsExactly("raise 4242 7");
        clock.advance(Duration.ofMillis(100));
        assertThat(threads.threadNames()).isEmpty();
        assertThat(calls).as("nothing to demote").hasSize(1);
    }

    @Test
    void aLiveThreadWhoseCpuTimeCannotBeReadIsDemotedForGood() {
        threads.raiseCurrentThread(); // no CPU time given: the clock answers -1
        clock.advance(Duration.ofMillis(100));
        assertThat(calls).containsExactly("raise 4242 7", "lower 4242");
        assertThat(threads.threadNames()).isEmpty();
        run(20_000, 0.0);
        assertThat(calls).hasSize(2);
    }

    @Test
    void closingStopsTheSampling() {
        cpu.put(Thread.currentThread(), 0L);
        threads.raiseCurrentThread();
        clock.advance(Duration.ofMillis(100));
        threads.close();
        assertThat(clock.pending()).isZero();
    }
}
