package dev.xlatsentinel.systemd.units;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.SystemdContainer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * netns@, xlat-sentinel@ and tayga@ (a real TAYGA) as shipped, under a real systemd: the
 * agent runs inside its namespace, the translator's stops, restarts and crashes leave the
 * agent running (ordering only, by design), and stopping the namespace stops both (BindsTo=),
 * the agent before the translator.
 */
class NamespaceUnitsIT {
    private static final String NS = "gw1";
    private static final String NETNS = "netns@" + NS + ".service";
    private static final String AGENT = "xlat-sentinel@" + NS + ".service";
    private static final String TAYGA = "tayga@" + NS + ".service";
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @RegisterExtension
    static final UnitsTestbed bed = new UnitsTestbed("systemd-netns", b -> b
            .file("/etc/xlat-sentinel/" + NS + ".yaml", "heartbeat-period-ms: 100\nheartbeat-limit-ms: 1000\n")
            .file("/etc/tayga/" + NS + ".conf", """
                    tun-device nat64
                    ipv4-addr 100.64.10.1
                    prefix 2001:db8:64::/96
                    dynamic-pool 100.64.10.0/24
                    data-dir /var/lib/tayga/%s
                    """.formatted(NS))
            .file("/etc/tayga/" + NS + ".env", """
                    TAYGA_TUN=nat64
                    TAYGA_PREFIX=2001:db8:64::/96
                    TAYGA_POOL4=100.64.10.0/24
                    """));
    private SystemdContainer c;
    private String cursor;

    @BeforeEach
    void nothingRuns() {
        c = bed.container();
        c.systemctl("stop", AGENT, TAYGA, NETNS);
        c.systemctl("reset-failed");
        cursor = c.journalCursor();
    }

    @Test
    void theTemplateRunsTheAgentInTheNamedNamespace() {
        c.systemctl("start", AGENT).orThrow();

        assertThat(c.show(NETNS, "ActiveState")).as("pulled in by BindsTo=").isEqualTo("active");
        assertThat(c.show(AGENT, "ActiveState")).isEqualTo("active");
        long pid = bed.mainPid(AGENT);
        assertThat(c.exec("ip", "netns", "identify", Long.toString(pid)).orThrow().strip()).isEqualTo(NS);
        assertThat(c.exec("readlink", "/proc/" + pid + "/ns/net").orThrow())
                .isNotEqualTo(c.exec("readlink", "/proc/1/ns/net").orThrow());
        // READY=1 crossed namespaces: the notify socket is a path, not bound to a network namespace.
        assertThat(c.show(AGENT, "StatusText")).isEqualTo("running, reloads 0");
        assertThat(c.exec("stat", "-c", "%U %a", "/run/xlat-sentinel/" + NS).orThrow().strip())
                .isEqualTo("xlat-sentinel 750");
    }

    @Test
    void theTranslatorStoppingRestartingOrCrashingLeavesTheAgentRunning() {
        c.systemctl("start", TAYGA, AGENT).orThrow();
        assertThat(c.exec("ip", "-n", NS, "link", "show", "nat64").orThrow()).contains("UP");
        long agent = bed.mainPid(AGENT);

        c.systemctl("stop", TAYGA).orThrow();
        assertAgentStillRuns(agent);

        c.systemctl("start", TAYGA).orThrow();
        c.systemctl("restart", TAYGA).orThrow();
        assertAgentStillRuns(agent);

        long tayga = bed.mainPid(TAYGA);
        c.systemctl("kill", "--signal=SIGKILL", TAYGA).orThrow();
        bed.await(TAYGA, WITHIN, "restarted after the crash",
                p -> p.get("NRestarts").equals("1") && p.get("ActiveState").equals("active")
                        && !p.get("MainPID").equals(Long.toString(tayga)),
                "NRestarts", "ActiveState", "MainPID");
        assertAgentStillRuns(agent);
    }

    private void assertAgentStillRuns(long pid) {
        assertThat(c.show(AGENT, "ActiveState", "MainPID", "NRestarts")).containsEntry("ActiveState", "active")
                .containsEntry("MainPID", Long.toString(pid)).containsEntry("NRestarts", "0");
    }

    @Test
    void stoppingTheNamespaceStopsTheAgentFirstThenTheTranslatorCleanly() {
        c.systemctl("start", TAYGA, AGENT).orThrow();

        // One transaction stops all three (BindsTo=), so ordering applies: the agent, After= the
        // translator, stops first. (`systemctl stop A B` would be two transactions, unordered.)
        c.systemctl("stop", NETNS).orThrow();

        assertThat(c.systemctl("is-active", AGENT, TAYGA, NETNS).stdout().lines().toList())
                .containsExactly("inactive", "inactive", "inactive");
        assertThat(c.systemctl("is-failed", AGENT, TAYGA).stdout().lines().toList())
                .containsExactly("inactive", "inactive");
        assertThat(c.exec("ip", "netns", "list").orThrow()).doesNotContain(NS);
        // Stopped units are unloaded at once, so the order is read from the journal.
        List<String> lines = c.exec("journalctl", "--no-pager", "-o", "cat", "-u", AGENT, "-u", TAYGA, "-u", NETNS,
                "--after-cursor=" + cursor).orThrow().lines().toList();
        String all = String.join("\n", lines);
        int agentWithdraws = indexOf(lines, "test agent ", " stopping");
        int agentStopped = indexOf(lines, "Stopped " + AGENT);
        int taygaStopping = indexOf(lines, "Stopping " + TAYGA);
        int taygaStopped = indexOf(lines, "Stopped " + TAYGA);
        int netnsStopping = indexOf(lines, "Stopping " + NETNS);
        assertThat(agentWithdraws).as(all).isNotNegative().isLessThan(agentStopped);
        assertThat(agentStopped).as(all).isLessThan(taygaStopping);
        assertThat(taygaStopped).as(all).isLessThan(netnsStopping);
    }

    private static int indexOf(List<String> lines, String... parts) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (java.util.Arrays.stream(parts).allMatch(line::contains)) {
                return i;
            }
        }
        return -1;
    }
}
