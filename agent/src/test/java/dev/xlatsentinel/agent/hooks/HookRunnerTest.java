package dev.xlatsentinel.agent.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.LogCapture;
import dev.xlatsentinel.lab.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookRunnerTest {
    @TempDir
    Path dir;

    @Test
    void hookSeesTheFactsAsEnvironmentAndOnlyItsEvents() throws Exception {
        Path out = dir.resolve("out");
        var hook = new HookRunner.Hook("record", List.of("withdraw"),
                List.of("sh", "-c", "echo \"$XLAT_EVENT $XLAT_SERVICE $XLAT_REASON\" >> " + out), Duration.ofSeconds(5));
        try (HookRunner runner = new HookRunner(List.of(hook))) {
            runner.fire("release", Map.of("XLAT_SERVICE", "svc-a", "XLAT_REASON", "all UP"));
            runner.fire("withdraw", Map.of("XLAT_SERVICE", "svc-a", "XLAT_REASON", "instance lower DOWN"));
        }
        assertThat(Files.readAllLines(out)).containsExactly("withdraw svc-a instance lower DOWN");
    }

    @Test
    void aHungHookIsKilledAtItsTimeoutAndTheNextOneStillRuns() throws Exception {
        Path out = dir.resolve("out");
        var slow = new HookRunner.Hook("slow", List.of(), List.of("sleep", "30"), Duration.ofMillis(200));
        var next = new HookRunner.Hook("next", List.of(), List.of("sh", "-c", "echo ran > " + out),
                Duration.ofSeconds(5));
        long start = System.nanoTime();
        try (HookRunner runner = new HookRunner(List.of(slow, next))) {
            runner.fire("withdraw", Map.of());
            runner.close(Duration.ofSeconds(20));
        }
        assertThat(Files.readString(out).strip()).isEqualTo("ran");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void fireNeverBlocksTheCaller() {
        var slow = new HookRunner.Hook("slow", List.of(), List.of("sleep", "30"), Duration.ofSeconds(30));
        HookRunner runner = new HookRunner(List.of(slow));
        try {
            for (int i = 0; i < 1000; i++) {
                runner.fire("withdraw", Map.of()); // the queue fills; the rest are dropped, not waited for
            }
        } finally {
            runner.close(Duration.ZERO);
        }
    }

    @Test
    void aHookThatWritesAMegabyteRunsToItsEndInsteadOfBlockingOnItsPipe() throws Exception {
        Path out = dir.resolve("out");
        var loud = new HookRunner.Hook("loud", List.of(), List.of("sh", "-c",
                "head -c 1048576 /dev/zero | tr '\\0' 'x'; echo finished > " + out), Duration.ofSeconds(30));
        long start = System.nanoTime();
        try (HookRunner runner = new HookRunner(List.of(loud))) {
            runner.fire("withdraw", Map.of());
            runner.close(Duration.ofSeconds(30));
        }
        assertThat(Files.readString(out).strip()).isEqualTo("finished");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not killed at its 30 s timeout")
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void hooksThatLeaveABackgroundChildHoldingStdoutLeaveNoThreadDescriptorOrProcessBehind() throws Exception {
        Path pids = dir.resolve("pids");
        var leaky = new HookRunner.Hook("leaky", List.of(), List.of("sh", "-c", "sleep 60 & echo $! >> " + pids
                + "; echo started"), Duration.ofSeconds(10));
        try (HookRunner runner = new HookRunner(List.of(leaky))) {
            for (int i = 0; i < 5; i++) {
                runner.fire("withdraw", Map.of()); // warm up the threads
            }
            Poll.until(Duration.ofSeconds(20), "the first rounds", () -> lines(pids) == 5);
            long threads = Thread.getAllStackTraces().size();
            long fds = openFds();
            for (int i = 0; i < 40; i++) {
                runner.fire("withdraw", Map.of());
            }
            Poll.until(Duration.ofSeconds(60), "40 more rounds, one at a time", () -> lines(pids) == 45);
            List<Long> children = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
            Poll.until(Duration.ofSeconds(10), "every background child gone",
                    () -> children.stream().noneMatch(HookRunnerTest::alive));
            Poll.until(Duration.ofSeconds(10), Poll.DEFAULT_EVERY, "threads and descriptors as before",
                    () -> Thread.getAllStackTraces().size() <= threads + 2 && openFds() <= fds + 2,
                    () -> "threads " + Thread.getAllStackTraces().size() + " (were " + threads + "), fds "
                            + openFds() + " (were " + fds + ")");
        }
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** Alive and not a zombie (this machine's PID 1 reaps orphans late). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMissingCommandIsLoggedNotThrown() {
        var bad = new HookRunner.Hook("bad", List.of(), List.of("/nonexistent/hook"), Duration.ofSeconds(1));
        var next = new HookRunner.Hook("next", List.of(), List.of("true"), Duration.ofSeconds(5));
        try (LogCapture log = new LogCapture(HookRunner.class)) {
            try (HookRunner runner = new HookRunner(List.of(bad, next))) {
                runner.fire("withdraw", Map.of());
                runner.close(Duration.ofSeconds(20)); // runs what was queued, then returns
            }
            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(0)).startsWith("WARN hook bad on withdraw: cannot start [/nonexistent/hook]: ");
            assertThat(log.lines().get(1)).startsWith("INFO hook next on withdraw: ok in ");
        }
    }
}
