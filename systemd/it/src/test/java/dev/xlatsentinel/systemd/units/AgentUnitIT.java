package dev.xlatsentinel.systemd.units;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.xlatsentinel.lab.Bird;
import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.SystemdContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * xlat-sentinel.service from the agent's package, running the real agent under a real
 * systemd 252 (booted in systemd-nspawn), in the container's own network namespace: it
 * probes a TAYGA there and holds a BFD session (keyed SHA1, the key a root-only file handed
 * over with LoadCredential=) to BIRD in namespace rtr ({@link GatewayLab}). WatchdogSec=10s
 * and the rest come from the unit as shipped. Nothing here runs a stand-in for the agent: a
 * hung loop is the real agent's BFD thread suspended from outside ({@link JvmThreads}).
 */
class AgentUnitIT {
    private static final Logger LOG = LoggerFactory.getLogger(AgentUnitIT.class);
    private static final String UNIT = "xlat-sentinel.service";
    private static final String CONFIG = "/etc/xlat-sentinel/agent.yaml";
    private static final String KEY = "/etc/xlat-sentinel/router.key";
    private static final String CREDENTIAL = "/run/credentials/" + UNIT + "/router.key";
    private static final String TAYGA_UNIT = "lab-tayga.service";
    private static final String TAYGA_PID = "/run/lab-tayga/tayga.pid";
    private static final String MARKER_UNIT = "lab-instance.service";
    private static final String STATUS_LINE = "\\d/1 instances UP, \\d/1 services announced";
    private static final String HEALTHY = "1/1 instances UP, 1/1 services announced";
    private static final Duration WATCHDOG = Duration.ofSeconds(10);
    /** Generous: only separates "happens" from "never" on a loaded 2-core machine. */
    private static final Duration WITHIN = Duration.ofSeconds(90);

    private static final GatewayLab NET = new GatewayLab(new GatewayLab.Gateway(0, null, "s3cret-bfd-key"));

    @RegisterExtension
    static final UnitsTestbed bed = new UnitsTestbed("systemd-agent", b -> {
        NET.stage(b);
        b.file("/etc/lab/tayga.conf", GatewayLab.taygaConfig("/var/lib/lab-tayga"));
        // The translator, here in the container's own namespace (tayga@ needs a named one).
        b.file("/etc/systemd/system/" + TAYGA_UNIT, """
                [Unit]
                Description=Test translator: TAYGA in the container's own network namespace
                Before=xlat-sentinel.service

                [Service]
                ExecStartPre=/usr/sbin/tayga --config /etc/lab/tayga.conf --mktun
                ExecStartPre=/sbin/ip link set dev nat64 up
                ExecStartPre=/sbin/ip route replace 100.64.10.0/24 dev nat64
                ExecStartPre=/sbin/ip route replace 64:ff9b::/96 dev nat64
                ExecStart=/usr/sbin/tayga --config /etc/lab/tayga.conf --nodetach --pidfile %s
                ExecStopPost=/usr/sbin/tayga --config /etc/lab/tayga.conf --rmtun
                RuntimeDirectory=lab-tayga
                StateDirectory=lab-tayga
                """.formatted(TAYGA_PID));
        // A translator that is kernel state only, as a Jool instance is: active, no process.
        b.file("/etc/systemd/system/" + MARKER_UNIT, """
                [Unit]
                Description=Test translator instance: a oneshot unit that stays active, like jool-instance@

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=/bin/true
                """);
        // How an operator hands the agent a root-only key (docs/systemd.md).
        b.file("/etc/systemd/system/" + UNIT + ".d/credentials.conf",
                "[Service]\nLoadCredential=router.key:" + KEY + "\n");
    }, t -> {
        t.write(KEY, NET.gateway().secret() + "\n", "root:root", "0600");
        t.writeConfig(CONFIG, config(3, ""));
        NET.start(t);
        t.systemctl("start", TAYGA_UNIT).orThrow();
    });

    private SystemdContainer c;
    private String cursor;

    @BeforeEach
    void stopped() {
        c = bed.container();
        bed.systemctl("stop", UNIT).orThrow();
        bed.systemctl("reset-failed", UNIT);
        cursor = c.journalCursor();
        bed.writeConfig(CONFIG, config(3, ""));
    }

    private static String config(int multiplier, String agentSettings) {
        return NET.agentConfig(TAYGA_PID, CREDENTIAL, agentSettings, multiplier);
    }

    @Test
    void startReturnsOnlyAfterReadyAndStatusFollowsTheAgentsDecisions() {
        bed.systemctl("start", UNIT).orThrow();

        // No waiting: start returned after READY=1, which the agent sends once its control
        // socket is open (with Type=simple it would return before the JVM even runs).
        JsonNode status = bed.agentStatus();
        assertThat(status.path("pid").asLong()).isEqualTo(bed.mainPid(UNIT));
        Map<String, String> p = c.show(UNIT, "ActiveState", "SubState", "StatusText",
                "ExecMainStartTimestampMonotonic", "ActiveEnterTimestampMonotonic");
        assertThat(p).containsEntry("ActiveState", "active").containsEntry("SubState", "running");
        assertThat(p.get("StatusText")).matches(STATUS_LINE);
        long readyAfterUs = Long.parseLong(p.get("ActiveEnterTimestampMonotonic"))
                - Long.parseLong(p.get("ExecMainStartTimestampMonotonic"));
        LOG.info("xlat-sentinel.service: READY=1 {} ms after exec", readyAfterUs / 1000);
        assertThat(readyAfterUs).isGreaterThan(200_000);
        assertThat(bed.systemctl("status", UNIT).stdout()).contains("Status: \"" + p.get("StatusText") + "\"");

        // STATUS= follows what the agent decides: the translator stops, the agent withdraws
        // (the router stops routing through the gateway), the translator is back, released.
        NET.awaitSession(true, WITHIN, UNIT);
        assertThat(NET.routed()).isTrue();
        bed.systemctl("stop", TAYGA_UNIT).orThrow();
        try {
            bed.await(UNIT, WITHIN, "STATUS= shows the withdrawal",
                    q -> q.get("StatusText").equals("0/1 instances UP, 0/1 services announced"), "StatusText");
            NET.awaitSession(false, WITHIN, UNIT);
            assertThat(NET.routed()).isFalse();
        } finally {
            bed.systemctl("start", TAYGA_UNIT).orThrow();
        }
        bed.await(UNIT, WITHIN, "STATUS= shows the release", q -> q.get("StatusText").equals(HEALTHY), "StatusText");
        NET.awaitSession(true, WITHIN, UNIT);
        assertThat(c.show(UNIT, "MainPID", "NRestarts")).containsEntry("MainPID", Long.toString(status.path("pid")
                .asLong())).containsEntry("NRestarts", "0");
    }

    @Test
    void itRunsAsItsOwnUserWithOnlyTheTwoNetworkCapabilitiesAndTheyAreEnough() {
        bed.systemctl("start", UNIT).orThrow();
        long pid = bed.mainPid(UNIT);

        String proc = bed.exec("cat", "/proc/" + pid + "/status").orThrow();
        assertThat(bed.exec("ps", "-o", "user=", "-p", Long.toString(pid)).orThrow().strip()).isEqualTo("xlat-sentinel");
        // CAP_NET_ADMIN (12) and CAP_NET_RAW (13): 0x3000, effective and bounding.
        assertThat(proc).containsPattern("CapEff:\\s+0000000000003000").containsPattern("CapBnd:\\s+0000000000003000")
                .containsPattern("NoNewPrivs:\\s+1").containsPattern("Seccomp:\\s+2");

        // BIRD brings the session Up only for packets with TTL 255 (RFC 5881 §5) and a valid
        // keyed SHA1 digest: the agent read its root-only key through the credential.
        NET.awaitSession(true, WITHIN, UNIT);
        assertThat(bed.exec("stat", "-c", "%U %a", KEY).orThrow().strip()).isEqualTo("root 600");
        JsonNode session = bed.agentStatus().path("services").path(0).path("bfd").path(0);
        assertThat(session.path("state").asText()).isEqualTo("Up");
        assertThat(session.path("counters").path("drop-auth-digest").asLong()).isZero();
        // The raw ICMPv6 probe (CAP_NET_RAW) crosses TAYGA and back; TAYGA's process and TUN are
        // readable; the native IPv4 check of the same targets (do no harm) answers with the same two
        // capabilities.
        bed.await(UNIT, WITHIN, "the instance proven UP", q -> q.get("StatusText").equals(HEALTHY), "StatusText");
        JsonNode probes = bed.agentStatus().path("instances").path(0).path("probes");
        assertThat(probes.findValuesAsText("name")).containsExactly("icmp", "tayga", "icmp native");
        assertThat(probes.findValues("passed")).allMatch(JsonNode::asBoolean);
        // Its sockets: the BFD socket bound to the uplink (SO_BINDTODEVICE), the raw ICMPv6 one.
        String owner = "pid=" + pid + ",";
        assertThat(bed.exec("ss", "-H", "-u", "-a", "-n", "-p").orThrow().lines().filter(l -> l.contains(owner)))
                .anyMatch(l -> l.contains(":3784 ")).anyMatch(l -> l.contains("%" + GatewayLab.UPLINK + ":"));
        assertThat(bed.exec("ss", "-H", "-w", "-a", "-n", "-p").orThrow()).contains(owner);
    }

    @Test
    void aHealthyAgentIsNeverRestartedByTheWatchdog() {
        bed.systemctl("start", UNIT).orThrow();
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
        NET.awaitSession(true, WITHIN, UNIT);
    }

    @Test
    void aHungBfdLoopStopsThePingsTheRouterWithdrawsAndSystemdRestartsTheAgent() {
        long pid = startedAndUp();

        long t0 = System.nanoTime();
        JvmThreads.suspend(c, pid, "bfd-loop");

        Duration took = awaitWithdrawnAndRestarted(pid, t0);
        LOG.info("hung BFD loop: restarted and READY again after {} ms", took.toMillis());
        // The process kept running with one thread hung: the watchdog, not a crash, ended it, and
        // WatchdogSignal=SIGQUIT made the JVM dump its threads into the journal first.
        assertThat(journal()).contains("test: suspending thread \"bfd-loop\"",
                // The agent says which of its loops stopped, before systemd acts on it.
                "watchdog: not pinging systemd: bfd-event-loop", "Watchdog timeout (limit 10s)!",
                "Killing process " + pid + " (java) with signal SIGQUIT", "Full thread dump", "\"bfd-loop\"",
                "Failed with result 'watchdog'");
        NET.awaitSession(true, WITHIN, UNIT);
    }

    @Test
    void aFrozenJvmIsKilledAndRestartedAfterWatchdogSec() {
        long pid = startedAndUp();

        long t0 = System.nanoTime();
        bed.systemctl("kill", "--signal=SIGSTOP", UNIT).orThrow();

        Duration took = awaitWithdrawnAndRestarted(pid, t0);
        LOG.info("frozen JVM (SIGSTOP): restarted and READY again after {} ms", took.toMillis());
        // The last ping came at most WatchdogSec/2 before the stop.
        assertThat(took).isGreaterThan(WATCHDOG.dividedBy(2));
        // systemd sends SIGCONT after SIGQUIT, so even the stopped JVM dumps its threads; it does
        // not exit on SIGQUIT, so TimeoutAbortSec= later it gets SIGKILL.
        assertThat(journal()).contains("Watchdog timeout (limit 10s)!",
                "Killing process " + pid + " (java) with signal SIGQUIT", "Full thread dump",
                "Killing process " + pid + " (java) with signal SIGKILL", "Failed with result 'watchdog'");
        NET.awaitSession(true, WITHIN, UNIT);
    }

    @Test
    @SuppressWarnings("try") // the drop-in only has to be in effect inside the block
    void stopWithdrawsFirstAndLeavesTheUnitInactiveNotFailed() {
        bed.systemctl("start", UNIT).orThrow();
        NET.awaitSession(true, WITHIN, UNIT);

        bed.systemctl("stop", UNIT).orThrow();

        // An inactive unit that did not fail is unloaded at once, so its exit status is gone.
        assertThat(bed.systemctl("is-failed", UNIT).stdout().strip()).isEqualTo("inactive");
        // journald writes what it receives a moment later.
        Poll.until(WITHIN, Duration.ofMillis(100), "the stop in the journal",
                () -> journal().contains("stopping: every peer saw the withdrawal")
                        && journal().contains("Deactivated successfully"), this::journal);
        assertThat(journal()).doesNotContain("Failed with result");
        // Withdrawn by the time stop returned, and kept so: the agent went silent, no AdminDown.
        assertThat(NET.sessionState()).isIn("Down", "Init");
        assertThat(NET.routed()).isFalse();

        // Control: without SuccessExitStatus=143 the very same stop fails the unit with 143.
        try (var dropIn = bed.dropIn(UNIT, "no-success-status", "[Service]\nSuccessExitStatus=\n")) {
            bed.systemctl("start", UNIT).orThrow();
            bed.systemctl("stop", UNIT);
            assertThat(c.show(UNIT, "ActiveState", "Result", "ExecMainCode", "ExecMainStatus"))
                    .containsEntry("ActiveState", "failed").containsEntry("Result", "exit-code")
                    .containsEntry("ExecMainCode", "1").containsEntry("ExecMainStatus", "143");
        }
    }

    @Test
    void reloadKeepsTheMainPidAppliesTheNewFileWithoutAFlapAndReportsABadOne() {
        long pid = startedAndUp();
        Bird.BfdSessionRow before = NET.session().orElseThrow();

        // A new detection multiplier: applied to the running session through a Poll Sequence.
        bed.writeConfig(CONFIG, config(5, ""));
        bed.systemctl("reload", UNIT).orThrow();
        bed.await(UNIT, WITHIN, "reload reported", p -> p.get("StatusText").startsWith("reloaded " + CONFIG + ": "),
                "StatusText");
        JsonNode session = bed.agentStatus().path("services").path(0).path("bfd").path(0);
        assertThat(session.path("detectMult").asInt()).isEqualTo(5);

        bed.writeConfig(CONFIG, config(0, ""));
        bed.systemctl("reload", UNIT).orThrow();
        bed.await(UNIT, WITHIN, "failed reload reported",
                p -> p.get("StatusText").startsWith("reload failed, running configuration kept: ")
                        && p.get("StatusText").contains("services.nat64.bfd[0].multiplier: 0 is outside 1 to 255"),
                "StatusText");

        assertThat(c.show(UNIT, "ActiveState", "SubState", "MainPID", "NRestarts")).containsEntry("ActiveState", "active")
                .containsEntry("SubState", "running").containsEntry("MainPID", Long.toString(pid))
                .containsEntry("NRestarts", "0");
        assertThat(bed.agentStatus().path("services").path(0).path("bfd").path(0).path("detectMult").asInt())
                .isEqualTo(5);
        // Neither reload flapped the session at the router.
        assertThat(NET.session().orElseThrow()).satisfies(s -> {
            assertThat(s.state()).isEqualTo("Up");
            assertThat(s.sameChangeAs(before)).as("%s is the state change %s showed", s, before).isTrue();
        });
    }

    @Test
    void aSystemdUnitProbeReadsTheUnitsStateOverTheSystemBusFromInsideTheSandbox() {
        bed.writeConfig(CONFIG, NET.agentConfigWithProbe(TAYGA_PID, CREDENTIAL,
                "{type: systemd-unit, name: unit, unit: " + MARKER_UNIT + "}"));
        bed.systemctl("stop", "dbus.socket", "dbus.service").orThrow();
        bed.systemctl("start", MARKER_UNIT).orThrow();
        try {
            // As user xlat-sentinel, systemctl asks systemd over D-Bus: without the bus it cannot
            // tell, so the instance stays down and the reason says what is missing.
            bed.systemctl("start", UNIT).orThrow();
            Poll.until(WITHIN, Duration.ofMillis(200), "the unit probe failing for want of the bus",
                    () -> probe("unit").path("reason").asText().contains("needs the D-Bus system bus"),
                    () -> bed.agentStatus().toPrettyString());
            assertThat(NET.sessionState()).isNotEqualTo("Up");

            bed.systemctl("start", "dbus.socket").orThrow();
            bed.await(UNIT, WITHIN, "the instance proven UP", q -> q.get("StatusText").equals(HEALTHY), "StatusText");
            NET.awaitSession(true, WITHIN, UNIT);
            awaitProbe("unit", true, "unit " + MARKER_UNIT + " is active");

            bed.systemctl("stop", MARKER_UNIT).orThrow();
            bed.await(UNIT, WITHIN, "withdrawn for the unit",
                    q -> q.get("StatusText").equals("0/1 instances UP, 0/1 services announced"), "StatusText");
            NET.awaitSession(false, WITHIN, UNIT);
            // A probe round can time out on a busy machine: wait for the round that says it.
            awaitProbe("unit", false, "unit " + MARKER_UNIT + " is inactive");
            // Only the unit failed: the datapath still passes.
            assertThat(probe("icmp").path("passed").asBoolean()).isTrue();
        } finally {
            bed.systemctl("start", MARKER_UNIT).orThrow();
        }
        bed.await(UNIT, WITHIN, "released", q -> q.get("StatusText").equals(HEALTHY), "StatusText");
        NET.awaitSession(true, WITHIN, UNIT);
        // The agent's children (systemctl, every probe round) do not inherit NOTIFY_SOCKET.
        assertThat(journal()).contains("unit " + MARKER_UNIT + " is inactive")
                .doesNotContain("reception only permitted for main PID");
    }

    private void awaitProbe(String name, boolean passed, String reason) {
        Poll.until(WITHIN, Duration.ofMillis(100), "probe " + name + (passed ? " passed: " : " failed: ") + reason,
                () -> probe(name).path("passed").asBoolean() == passed && probe(name).path("reason").asText()
                        .equals(reason), () -> bed.agentStatus().toPrettyString());
    }

    /** The agent's view of one probe of the instance in its last round (missing before the first). */
    private JsonNode probe(String name) {
        for (JsonNode p : bed.agentStatus().path("instances").path(0).path("probes")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        return MissingNode.getInstance();
    }

    @Test
    @SuppressWarnings("try") // the drop-in only has to be in effect inside the block
    void anOperatorGroupReachesTheControlSocketThroughTheSandbox() {
        bed.exec("groupadd", "--force", "--system", "netops").orThrow();
        if (!bed.exec("id", "opuser").ok()) {
            bed.exec("useradd", "--system", "--no-create-home", "--gid", "netops", "opuser").orThrow();
        }
        bed.writeConfig(CONFIG, config(3, "  controlGroup: netops\n"));
        try (var dropIn = bed.dropIn(UNIT, "netops", "[Service]\nSupplementaryGroups=netops\n")) {
            bed.systemctl("start", UNIT).orThrow();

            String socket = "/run/xlat-sentinel/agent/control.sock";
            assertThat(bed.exec("stat", "-c", "%U %G %a", socket).orThrow().strip())
                    .isEqualTo("xlat-sentinel netops 660");
            Cmd.Result member = bed.exec("runuser", "-u", "opuser", "--", "xlat-sentinel", "status", "--json");
            assertThat(member.exit()).as(member.stderr()).isZero();
            assertThat(member.stdout()).contains("\"pid\" : " + bed.mainPid(UNIT));
            Cmd.Result other = bed.exec("runuser", "-u", "nobody", "--", "xlat-sentinel", "status");
            assertThat(other.exit()).isEqualTo(1);
            assertThat(other.stderr()).contains("permission denied");
        }
    }

    /** Starts the unit and waits until the router's session is Up; returns the main PID. */
    private long startedAndUp() {
        bed.systemctl("start", UNIT).orThrow();
        long pid = bed.mainPid(UNIT);
        NET.awaitSession(true, WITHIN, UNIT);
        return pid;
    }

    /**
     * After the agent (main PID {@code pid}) hung at {@code t0}: BFD goes silent and the router
     * withdraws after its detection time, long before systemd acts; then the watchdog has
     * systemd restart the agent. Returns the time from the hang to the new process's READY=1.
     */
    private Duration awaitWithdrawnAndRestarted(long pid, long t0) {
        NET.awaitSession(false, Duration.ofSeconds(8), UNIT);
        assertThat(NET.routed()).isFalse();
        bed.await(UNIT, WITHIN, "restarted by the watchdog", p -> p.get("NRestarts").equals("1")
                && p.get("ActiveState").equals("active") && !p.get("MainPID").equals(Long.toString(pid)),
                "NRestarts", "ActiveState", "MainPID");
        return Duration.ofNanos(System.nanoTime() - t0);
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
