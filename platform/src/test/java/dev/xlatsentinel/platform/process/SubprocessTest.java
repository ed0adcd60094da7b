package dev.xlatsentinel.platform.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.time.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real child processes (sh, sleep); the kill at the timeout is driven by a hand-moved clock. */
class SubprocessTest {
    private final ManualClock clock = new ManualClock(0);
    private final Subprocess sub = new Subprocess(clock);

    private Subprocess.Result run(List<String> argv) throws Exception {
        return sub.run(argv, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void keepsExitStatusOutputAndLineCount() throws Exception {
        Subprocess.Result r = run(List.of("sh", "-c", "echo one; echo two; echo 'no upstream' >&2; exit 3"));
        assertThat(r.ok()).isFalse();
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("one\ntwo\n");
        assertThat(r.lines()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("no upstream\n");
        assertThat(r.failure()).isEqualTo("'sh -c echo one; echo two; echo 'no upstream' >&2; exit 3' exited 3: "
                + "no upstream");
        assertThat(run(List.of("true")).ok()).isTrue();
    }

    @Test
    void isKilledWhenItsTimeoutComes() throws Exception {
        CompletableFuture<Subprocess.Result> f = sub.run(List.of("sleep", "30"), Duration.ofMillis(200));
        assertThat(f).isNotDone();
        clock.advance(Duration.ofMillis(200));
        Subprocess.Result r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exit()).isEqualTo(-1);
        assertThat(r.failure()).isEqualTo("'sleep 30' did not finish within 200ms (killed)");
    }

    @Test
    void aMissingProgramSaysSoWithoutThrowing() throws Exception {
        Subprocess.Result r = run(List.of("/nonexistent/check"));
        assertThat(r.startError()).isEqualTo("'/nonexistent/check' not found");
        assertThat(r.failure()).isEqualTo("'/nonexistent/check' not found");
    }

    @Test
    void inTheHostNamespaceTheCommandRunsAsGiven() throws Exception {
        try (NetworkNamespace host = NetworkNamespace.host()) {
            Subprocess.Result r = sub.run(host, List.of("echo", "here"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertThat(r.argv()).containsExactly("echo", "here");
            assertThat(r.stdout()).isEqualTo("here\n");
        }
    }

    @Test
    void aChildDoesNotInheritTheServiceManagersVariables() {
        ProcessBuilder pb = Subprocess.childProcess(List.of("true"));
        assertThat(pb.environment()).doesNotContainKeys("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES");
    }
}
