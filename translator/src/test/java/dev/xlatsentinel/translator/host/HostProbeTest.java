package dev.xlatsentinel.translator.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The command and systemd-unit probes against real processes (sh, sleep). */
class HostProbeTest {
    private final SystemScheduler scheduler = new SystemScheduler("host-test");
    private final Subprocess sub = new Subprocess(scheduler);

    @AfterEach
    void close() {
        scheduler.close();
    }

    private ProbeResult command(Duration timeout, String... argv) throws Exception {
        return new CommandProbe("check", null, List.of(argv), sub).run(timeout).get();
    }

    @Test
    void commandPassesOnExitZeroAndReportsItsFirstLine() throws Exception {
        ProbeResult ok = command(Duration.ofSeconds(5), "sh", "-c", "echo; echo egress fine; echo more");
        assertThat(ok.passed()).isTrue();
        assertThat(ok.reason()).isEqualTo("egress fine");
        ProbeResult bad = command(Duration.ofSeconds(5), "sh", "-c", "echo out; echo 'no upstream' >&2; exit 3");
        assertThat(bad.passed()).isFalse();
        assertThat(bad.reason()).isEqualTo("exit 3: no upstream");
    }

    @Test
    void commandIsKilledAtItsTimeoutAndAMissingCommandSaysSo() throws Exception {
        long start = System.nanoTime();
        ProbeResult slow = command(Duration.ofMillis(200), "sleep", "30");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(slow.passed()).isFalse();
        assertThat(slow.reason()).isEqualTo("'sleep 30' did not finish within 200ms (killed)");
        assertThat(command(Duration.ofSeconds(1), "/nonexistent/check").reason())
                .isEqualTo("'/nonexistent/check' not found");
    }

    @Test
    void systemdUnitFailsClosedWhenSystemdIsNotPid1(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path absent = tmp.resolve("run-systemd-system");
        ProbeResult r = new SystemdUnitProbe("unit", "jool@lower.service", sub, absent).run(Duration.ofSeconds(1))
                .get();
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).isEqualTo("systemd is not running as PID 1 (no " + absent
                + "): cannot tell whether unit jool@lower.service is active");
    }
}
