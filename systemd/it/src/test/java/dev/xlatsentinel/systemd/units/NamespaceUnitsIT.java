package dev.xlatsentinel.systemd.units;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.SystemdContainer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * netns@, xlat-sentinel@ and tayga@ from the agent's package under a real systemd, with the
 * real agent and a real TAYGA in namespace gw1 and BIRD as the router ({@link GatewayLab}):
 * the agent runs inside its namespace; the translator's stop, restart and crash leave the agent
 * running (ordering only, by design) and a stopped translator is withdrawn by the agent
 * itself; stopping the namespace stops both (BindsTo=), the agent first.
 */
class NamespaceUnitsIT {
    private static final String NS = "gw1";
    private static final String NETNS = "netns@" + NS + ".service";
    private static final String AGENT = "xlat-sentinel@" + NS + ".service";
    private static final String TAYGA = "tayga@" + NS + ".service";
    private static final String ROOT_AGENT = "xlat-sentinel.service";
    private static final Duration WITHIN = Duration.ofSeconds(90);

    private static final GatewayLab NET = new GatewayLab(new GatewayLab.Gateway(1, NS, null));

    @RegisterExtension
    static final UnitsTestbed bed = new UnitsTestbed("systemd-netns", b -> {
        NET.stage(b);
        b.file("/etc/tayga/" + NS + ".conf", GatewayLab.taygaConfig("/var/lib/tayga/" + NS));
        b.file("/etc/tayga/" + NS + ".env", """
                TAYGA_TUN=%s
                TAYGA_PREFIX=%s
                TAYGA_POOL4=100.64.10.0/24
                """.formatted(GatewayLab.TUN, GatewayLab.PREFIX));
    }, t -> {
        // The pid file that tayga@.service writes (see the comment at its top).
        t.writeConfig("/etc/xlat-sentinel/" + NS + ".yaml",
                NET.agentConfig("/run/tayga/" + NS + "/tayga.pid", null, "", 3));
        NET.start(t);
    });

    private SystemdContainer c;
    private String cursor;

    @BeforeEach
    void nothingRuns() {
        c = bed.container();
        bed.systemctl("stop", AGENT, TAYGA, NETNS).orThrow();
        bed.systemctl("reset-failed");
        cursor = c.journalCursor();
    }

    @Test
    void theTemplateRunsTheAgentInTheNamedNamespaceWithItsSocketsThere() {
        bed.systemctl("start", AGENT).orThrow();

        assertThat(c.show(NETNS, "ActiveState")).as("pulled in by BindsTo=").isEqualTo("active");
        long pid = bed.mainPid(AGENT);
        assertThat(bed.exec("ip", "netns", "identify", Long.toString(pid)).orThrow().strip()).isEqualTo(NS);
        // Its BFD socket lives in gw1, and none of its sockets in the container's own namespace.
        String owner = "pid=" + pid + ",";
        assertThat(bed.exec("ip", "netns", "exec", NS, "ss", "-H", "-u", "-a", "-n", "-p").orThrow().lines()
                .filter(l -> l.contains(owner))).anyMatch(l -> l.contains(":3784 "));
        assertThat(bed.exec("ss", "-H", "-a", "-n", "-p", "-u", "-t", "-w").orThrow()).doesNotContain(owner);
        // READY=1 crossed namespaces: the notify socket is a path, not bound to a network namespace.
        assertThat(c.show(AGENT, "StatusText")).matches("\\d/1 instances UP, \\d/1 services announced");
        // The control socket is in the instance's RuntimeDirectory=, where `status -n gw1` looks.
        assertThat(bed.exec("stat", "-c", "%U %a", "/run/xlat-sentinel/" + NS).orThrow().strip())
                .isEqualTo("xlat-sentinel 755");
        assertThat(status().path("pid").asLong()).isEqualTo(pid);
        // No translator yet: the service stays withdrawn and the router does not route through gw1.
        assertThat(status().path("services").path(0).path("withdrawn").asBoolean()).isTrue();
        assertThat(NET.routed()).isFalse();
    }

    @Test
    void theTranslatorStoppingRestartingOrCrashingLeavesTheAgentRunningAndItWithdrawsMeanwhile() {
        bed.systemctl("start", TAYGA, AGENT).orThrow();
        long agent = bed.mainPid(AGENT);
        awaitAnnounced(true);

        // Stopped: the agent stays and withdraws the route itself (Path Down), at once.
        bed.systemctl("stop", TAYGA).orThrow();
        awaitAnnounced(false);
        assertThat(status().path("services").path(0).path("bfd").path(0).path("localDiag").asText())
                .isEqualTo("path-down");
        assertThat(NET.routed()).isFalse();
        assertAgentStillRuns(agent);

        bed.systemctl("start", TAYGA).orThrow();
        awaitAnnounced(true);
        assertThat(c.journal(AGENT, cursor)).contains("service nat64 WITHDRAWN: instance tayga DOWN",
                "service nat64 RELEASED");
        bed.systemctl("restart", TAYGA).orThrow();
        assertAgentStillRuns(agent);
        awaitAnnounced(true);

        long tayga = bed.mainPid(TAYGA);
        bed.systemctl("kill", "--signal=SIGKILL", TAYGA).orThrow();
        bed.await(TAYGA, WITHIN, "restarted after the crash",
                p -> p.get("NRestarts").equals("1") && p.get("ActiveState").equals("active")
                        && !p.get("MainPID").equals(Long.toString(tayga)),
                "NRestarts", "ActiveState", "MainPID");
        assertAgentStillRuns(agent);
        awaitAnnounced(true);
    }

    @Test
    void stoppingTheNamespaceStopsTheAgentFirstWhichWithdrawsThenTheTranslatorCleanly() {
        bed.systemctl("start", TAYGA, AGENT).orThrow();
        awaitAnnounced(true);

        // One transaction stops all three (BindsTo=), so ordering applies: the agent, After= the
        // translator, stops first. (`systemctl stop A B` would be two transactions, unordered.)
        bed.systemctl("stop", NETNS).orThrow();

        assertThat(bed.systemctl("is-active", AGENT, TAYGA, NETNS).stdout().lines().toList())
                .containsExactly("inactive", "inactive", "inactive");
        assertThat(bed.systemctl("is-failed", AGENT, TAYGA).stdout().lines().toList())
                .containsExactly("inactive", "inactive");
        assertThat(bed.exec("ip", "netns", "list").orThrow()).doesNotContain(NS);
        assertThat(NET.routed()).isFalse();
        // Stopped units are unloaded at once, so the order is read from the journal (once journald
        // has written all of it).
        java.util.function.Supplier<List<String>> journal = () -> bed.exec("journalctl", "--no-pager", "-o", "cat",
                "-u", AGENT, "-u", TAYGA, "-u", NETNS, "--after-cursor=" + cursor).orThrow().lines().toList();
        Poll.until(Duration.ofSeconds(30), Duration.ofMillis(100), "the stops in the journal",
                () -> indexOf(journal.get(), "Stopping " + NETNS) >= 0
                        && indexOf(journal.get(), "stopping: every peer saw the withdrawal") >= 0,
                () -> String.join("\n", journal.get()));
        List<String> lines = journal.get();
        String all = String.join("\n", lines);
        int agentWithdrew = indexOf(lines, "stopping: every peer saw the withdrawal");
        int agentStopped = indexOf(lines, "Stopped " + AGENT);
        int taygaStopping = indexOf(lines, "Stopping " + TAYGA);
        int taygaStopped = indexOf(lines, "Stopped " + TAYGA);
        int netnsStopping = indexOf(lines, "Stopping " + NETNS);
        assertThat(agentWithdrew).as(all).isNotNegative().isLessThan(agentStopped);
        assertThat(agentStopped).as(all).isLessThan(taygaStopping);
        assertThat(taygaStopped).as(all).isLessThan(netnsStopping);
    }

    @Test
    @SuppressWarnings("try") // the drop-in only has to be in effect inside the block
    void withTheDocumentedDropInOneAgentOutsideTheNamespaceEntersIt() {
        bed.systemctl("start", TAYGA).orThrow();
        bed.writeConfig("/etc/xlat-sentinel/agent.yaml",
                NET.agentConfigEnteringTheNamespace("/run/tayga/" + NS + "/tayga.pid"));
        // As docs/systemd.md gives it ("One agent for several namespaces").
        try (var dropIn = bed.dropIn(ROOT_AGENT, "multi-netns", """
                [Service]
                AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN CAP_SYS_ADMIN
                CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN CAP_SYS_ADMIN
                RestrictNamespaces=net
                """)) {
            bed.systemctl("start", ROOT_AGENT).orThrow();
            long pid = bed.mainPid(ROOT_AGENT);
            assertThat(bed.exec("ip", "netns", "identify", Long.toString(pid)).orThrow()).isBlank();
            // Its BFD socket was opened from a thread inside gw1, so it lives there.
            assertThat(bed.exec("ip", "netns", "exec", NS, "ss", "-H", "-u", "-a", "-n", "-p").orThrow().lines()
                    .filter(l -> l.contains("pid=" + pid + ","))).anyMatch(l -> l.contains(":3784 "));
            Poll.until(WITHIN, Duration.ofMillis(200), "the root agent announces through gw1",
                    () -> !bed.agentStatus().path("services").path(0).path("withdrawn").asBoolean()
                            && NET.sessionState().equals("Up"),
                    () -> NET.birdc("show", "bfd", "sessions").stdout() + c.journal(ROOT_AGENT, cursor));
        } finally {
            bed.systemctl("stop", ROOT_AGENT).orThrow();
        }
    }

    /** {@code xlat-sentinel status -n gw1 --json}, as root in the container. */
    private JsonNode status() {
        return bed.agentStatus("-n", NS);
    }

    /** Waits until the agent announces (or withdraws) the service and the router agrees. */
    private void awaitAnnounced(boolean announced) {
        Poll.until(WITHIN, Duration.ofMillis(200), "service nat64 " + (announced ? "announced" : "withdrawn"),
                () -> status().path("services").path(0).path("withdrawn").asBoolean() != announced
                        && NET.sessionState().equals("Up") == announced,
                () -> NET.birdc("show", "bfd", "sessions").stdout() + c.journal(AGENT, cursor));
    }

    private void assertAgentStillRuns(long pid) {
        assertThat(c.show(AGENT, "ActiveState", "MainPID", "NRestarts")).containsEntry("ActiveState", "active")
                .containsEntry("MainPID", Long.toString(pid)).containsEntry("NRestarts", "0");
    }

    private static int indexOf(List<String> lines, String... parts) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (Arrays.stream(parts).allMatch(line::contains)) {
                return i;
            }
        }
        return -1;
    }
}
