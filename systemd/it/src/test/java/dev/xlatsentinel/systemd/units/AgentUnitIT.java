package dev.xlatsentinel.systemd.units;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.SystemdContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * xlat-sentinel.service, as shipped, under a real systemd 252 (booted in systemd-nspawn),
 * running the test agent (see {@link AgentPayload}). WatchdogSec=10s comes from the unit.
 */
class AgentUnitIT {
    private static final String UNIT = "xlat-sentinel.service";
    private static final String CONFIG = "/etc/xlat-sentinel/agent.yaml";
    private static final Duration WATCHDOG = Duration.ofSeconds(10);
    /** Generous: only separates "happens" from "never" on a loaded 2-core machine. */
    private static final Duration RESTART_WITHIN = Duration.ofSeconds(90);

    @RegisterExtension
    static final UnitsTestbed bed = new UnitsTestbed("systemd-agent", b -> b.file(CONFIG, config(0)));
    private SystemdContainer c;
    private String cursor;

    @BeforeEach
    void stopped() throws Exception {
        c = bed.container();
        c.systemctl("stop", UNIT);
        c.systemctl("reset-failed", UNIT);
        cursor = c.journalCursor();
        bed.write(CONFIG, config(0));
        try (var files = Files.list(c.outDir())) {
            for (var f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    private static String config(long startupDelayMs) {
        return """
                # test agent (AgentPayload): heartbeat every 100 ms, stalled after 1 s of silence
                startup-delay-ms: %d
                heartbeat-period-ms: 100
                heartbeat-limit-ms: 1000
                control-dir: /lab/out
                """.formatted(startupDelayMs);
    }

    @Test
    void startReturnsOnlyAfterReadyAndTheStatusShows() {
        bed.write(CONFIG, config(2000));

        long t0 = System.nanoTime();
        c.systemctl("start", UNIT).orThrow();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        Map<String, String> p = c.show(UNIT, "ActiveState", "SubState", "StatusText", "ExecMainStartTimestampMonotonic",
                "ActiveEnterTimestampMonotonic");
        assertThat(p.get("ActiveState")).isEqualTo("active");
        assertThat(p.get("SubState")).isEqualTo("running");
        // STATUS=starting came before the delay; READY=1 brought this one.
        assertThat(p.get("StatusText")).isEqualTo("running, reloads 0");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        long readyAfterExecUs = Long.parseLong(p.get("ActiveEnterTimestampMonotonic"))
                - Long.parseLong(p.get("ExecMainStartTimestampMonotonic"));
        assertThat(readyAfterExecUs).isGreaterThanOrEqualTo(2_000_000);
        assertThat(c.systemctl("status", UNIT).stdout()).contains("Status: \"running, reloads 0\"");
    }

    @Test
    void itRunsAsItsOwnUserWithOnlyTheTwoNetworkCapabilities() {
        c.systemctl("start", UNIT).orThrow();
        long pid = bed.mainPid(UNIT);

        String status = c.exec("cat", "/proc/" + pid + "/status").orThrow();
        assertThat(c.exec("ps", "-o", "user=", "-p", Long.toString(pid)).orThrow().strip()).isEqualTo("xlat-sentinel");
        // CAP_NET_ADMIN (12) and CAP_NET_RAW (13): 0x3000, effective and bounding.
        assertThat(status).containsPattern("CapEff:\\s+0000000000003000").containsPattern("CapBnd:\\s+0000000000003000")
                .containsPattern("NoNewPrivs:\\s+1").containsPattern("Seccomp:\\s+2");
    }

    @Test
    void aHealthyServiceIsNeverRestartedByTheWatchdog() {
        c.systemctl("start", UNIT).orThrow();
        long pid = bed.mainPid(UNIT);
        Set<String> pings = new HashSet<>();
        List<String> notActive = new ArrayList<>();

        // Three watchdog intervals, sampled every second.
        long end = System.nanoTime() + WATCHDOG.multipliedBy(3).toNanos();
        while (System.nanoTime() < end) {
            Map<String, String> p = c.show(UNIT, "ActiveState", "MainPID", "NRestarts", "WatchdogTimestampMonotonic");
            pings.add(p.get("WatchdogTimestampMonotonic"));
            if (!p.get("ActiveState").equals("active") || !p.get("MainPID").equals(Long.toString(pid))
                    || !p.get("NRestarts").equals("0")) {
                notActive.add(p.toString());
            }
            sleepQuietly(Duration.ofSeconds(1));
        }

        assertThat(notActive).isEmpty();
        // systemd records each WATCHDOG=1: pings every 5 s give about 6 distinct stamps.
        assertThat(pings).hasSizeGreaterThanOrEqualTo(4);
        assertThat(journal()).doesNotContain("Watchdog timeout");
    }

    @Test
    void aStalledLoopStopsThePingsAndSystemdAbortsWithAThreadDumpAndRestarts() throws Exception {
        c.systemctl("start", UNIT).orThrow();
        long pid = bed.mainPid(UNIT);

        Files.writeString(c.outDir().resolve("freeze-" + pid), "");

        bed.await(UNIT, RESTART_WITHIN, "restarted by the watchdog",
                p -> p.get("NRestarts").equals("1") && p.get("ActiveState").equals("active")
                        && !p.get("MainPID").equals(Long.toString(pid)),
                "NRestarts", "ActiveState", "MainPID");
        String journal = journal();
        assertThat(journal).contains("not pinging systemd: event-loop: no heartbeat for")
                .contains("Watchdog timeout (limit 10s)!")
                // WatchdogSignal=SIGQUIT: the JVM's thread dump shows where the loop hangs.
                .contains("Full thread dump").contains("\"event-loop\"")
                .contains("at dev.xlatsentinel.systemd.testagent.TestAgent.runLoop");
    }

    @Test
    void aFrozenJvmIsKilledAndRestartedAfterWatchdogSec() {
        c.systemctl("start", UNIT).orThrow();
        long pid = bed.mainPid(UNIT);

        long t0 = System.nanoTime();
        c.systemctl("kill", "--signal=SIGSTOP", UNIT).orThrow();

        bed.await(UNIT, RESTART_WITHIN, "restarted by the watchdog",
                p -> p.get("NRestarts").equals("1") && p.get("ActiveState").equals("active")
                        && !p.get("MainPID").equals(Long.toString(pid)),
                "NRestarts", "ActiveState", "MainPID");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(WATCHDOG.dividedBy(2));
        assertThat(journal()).contains("Watchdog timeout (limit 10s)!");
    }

    @Test
    void stopLeavesTheUnitInactiveNotFailedThoughTheJvmExits143() throws Exception {
        c.systemctl("start", UNIT).orThrow();
        c.systemctl("stop", UNIT).orThrow();

        // An inactive unit that did not fail is unloaded at once, so its exit status is gone.
        assertThat(c.systemctl("is-failed", UNIT).stdout().strip()).isEqualTo("inactive");
        assertThat(journal()).contains("stopping").contains("Deactivated successfully")
                .doesNotContain("Failed with result");

        // Control: without SuccessExitStatus=143 the very same stop fails the unit with 143.
        Path dropIn = c.root().resolve("run/systemd/system/" + UNIT + ".d/no-success-status.conf");
        Files.createDirectories(dropIn.getParent());
        Files.writeString(dropIn, "[Service]\nSuccessExitStatus=\n");
        try {
            c.systemctl("daemon-reload").orThrow();
            c.systemctl("start", UNIT).orThrow();
            c.systemctl("stop", UNIT);
            assertThat(c.show(UNIT, "ActiveState", "Result", "ExecMainCode", "ExecMainStatus"))
                    .containsEntry("ActiveState", "failed").containsEntry("Result", "exit-code")
                    .containsEntry("ExecMainCode", "1").containsEntry("ExecMainStatus", "143");
        } finally {
            Files.delete(dropIn);
            c.systemctl("daemon-reload").orThrow();
        }
    }

    @Test
    void reloadKeepsTheMainPidAndReportsTheOutcome() {
        c.systemctl("start", UNIT).orThrow();
        long pid = bed.mainPid(UNIT);

        c.systemctl("reload", UNIT).orThrow();
        bed.await(UNIT, Duration.ofSeconds(20), "reload reported", p -> p.get("StatusText").equals("running, reloads 1"),
                "StatusText");

        bed.write(CONFIG, config(0) + "bogus: 1\n");
        c.systemctl("reload", UNIT).orThrow();
        bed.await(UNIT, Duration.ofSeconds(20), "failed reload reported",
                p -> p.get("StatusText").startsWith("reload failed, running configuration kept: ")
                        && p.get("StatusText").contains("unknown key bogus"),
                "StatusText");

        Map<String, String> p = c.show(UNIT, "ActiveState", "SubState", "MainPID", "NRestarts");
        assertThat(p).containsEntry("ActiveState", "active").containsEntry("SubState", "running")
                .containsEntry("MainPID", Long.toString(pid)).containsEntry("NRestarts", "0");
    }

    /** What the unit logged during this test. */
    private String journal() {
        return c.journal(UNIT, cursor);
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
