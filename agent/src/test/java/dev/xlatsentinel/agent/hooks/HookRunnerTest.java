package dev.xlatsentinel.agent.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.LogCapture;
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
