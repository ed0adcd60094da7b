package dev.xlatsentinel.platform.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Root (CAP_SYS_NICE): threads really run SCHED_FIFO, what they start does not, and the guard
 * demotes a thread that spins. Skipped without CAP_SYS_NICE (CI runs as root).
 */
class RealtimeThreadsIT {
    private static final int CAP_SYS_NICE = 23;

    @BeforeAll
    static void needsCapSysNice() throws IOException {
        String eff = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring(7).trim();
        assumeTrue((Long.parseUnsignedLong(eff, 16) & (1L << CAP_SYS_NICE)) != 0, "needs CAP_SYS_NICE");
    }

    /** The "policy" line of a sched file (proc(5)): 0 SCHED_OTHER, 1 SCHED_FIFO. */
    static int policyIn(String sched) {
        return sched.lines().filter(l -> l.startsWith("policy")).findFirst()
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).orElseThrow();
    }

    /** Runs {@code body} on a new thread called {@code name}, waiting at most 10 s for its answer. */
    private static <T> T onThread(String name, java.util.concurrent.Callable<T> body) throws Exception {
        CompletableFuture<T> out = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                out.complete(body.call());
            } catch (Throwable e) {
                out.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return out.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRaisedThreadRunsSchedFifoWithResetOnForkAndWhatItStartsDoesNot() throws Exception {
        try (RealtimeThreads threads = RealtimeThreads.of("test", 6)) {
            String[] seen = onThread("rt-raised", () -> {
                threads.raiseCurrentThread();
                int tid = Realtime.currentThreadId();
                String own = Files.readString(Path.of("/proc/self/task/" + tid + "/sched"));
                Process child = new ProcessBuilder("/bin/sh", "-c", "cat /proc/self/sched").redirectErrorStream(true)
                        .start();
                String childSched = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
                // A Java thread it starts (e.g. Subprocess's reader threads) is a clone too.
                CompletableFuture<Integer> started = new CompletableFuture<>();
                Thread t = new Thread(() -> started.complete(Realtime.policy(0)), "rt-started");
                t.start();
                return new String[] {own, childSched, Integer.toString(Realtime.policy(0)),
                        Boolean.toString(Realtime.resetsOnFork(0)), Integer.toString(started.get(10, TimeUnit.SECONDS))};
            });
            assertThat(policyIn(seen[0])).as("the thread: SCHED_FIFO").isEqualTo(Realtime.SCHED_FIFO);
            assertThat(seen[0]).containsPattern("(?m)^prio\\s+:\\s+" + (99 - 6) + "$");
            assertThat(seen[2]).isEqualTo("1");
            assertThat(seen[3]).as("SCHED_RESET_ON_FORK set").isEqualTo("true");
            assertThat(policyIn(seen[1])).as("its child (cat): SCHED_OTHER").isEqualTo(Realtime.SCHED_OTHER);
            assertThat(seen[4]).as("a thread it started: SCHED_OTHER").isEqualTo("0");
            assertThat(threads.threadNames()).containsExactly("rt-raised");
        }
    }

    @Test
    void anotherThreadStaysAtNormalScheduling() throws Exception {
        try (RealtimeThreads threads = RealtimeThreads.of("test", 6)) {
            onThread("rt-raised-2", () -> {
                threads.raiseCurrentThread();
                return null;
            });
            assertThat(Realtime.policy(0)).as("the test's own thread").isEqualTo(Realtime.SCHED_OTHER);
        }
    }

    @Test
    void theGuardDemotesAThreadThatSpins() throws Exception {
        try (RealtimeThreads threads = RealtimeThreads.of("test", 1, Duration.ZERO)) {
            long spun = onThread("rt-spinner", () -> {
                threads.raiseCurrentThread();
                assertThat(Realtime.policy(0)).isEqualTo(Realtime.SCHED_FIFO);
                // Spin at most 1.5 s: the guard should demote within its 500 ms budget plus a sample.
                long start = System.nanoTime();
                long deadline = start + 1_500_000_000L;
                while (Realtime.policy(0) == Realtime.SCHED_FIFO && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                return System.nanoTime() - start;
            });
            assertThat(threads.isDemoted("rt-spinner")).as("demoted after %d ms of spinning", spun / 1_000_000)
                    .isTrue();
            assertThat(spun).as("demoted before the spin's deadline").isLessThan(1_500_000_000L);
            assertThat(threads.demotions()).isEqualTo(1);
        }
    }
}
