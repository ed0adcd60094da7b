package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.assembly.TranslatorHealth;
import dev.xlatsentinel.translator.lab.Fault;
import dev.xlatsentinel.translator.lab.TaygaGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each fault on a real TAYGA gateway takes the instance DOWN with a reason that names it,
 * and the repair brings it back UP after {@code rise} passing rounds. Built from config as
 * the agent builds it, probe namespace included. Bounds are generous: they separate
 * "works" from "never"; speed is measured by the benchmark.
 */
class TranslatorHealthIT {
    private static final Duration NEVER = Duration.ofSeconds(15);
    // Timing generous enough that a loaded machine does not fail a round by itself
    // (probes answer in well under 1 ms here); speed is the benchmark's business.
    private static Lab lab;
    private static TaygaGateway gw;
    private static SystemScheduler scheduler;

    @BeforeAll
    static void up() {
        lab = Lab.open("xlat-health");
        gw = new TaygaGateway(lab, true);
        scheduler = lab.register(new SystemScheduler("health-it"));
    }

    @AfterAll
    static void down() {
        lab.close();
    }

    private static HealthChange next(BlockingQueue<HealthChange> q, HealthState to) throws InterruptedException {
        HealthChange c = q.poll(NEVER.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(c).as("a change to " + to + " within " + NEVER).isNotNull();
        assertThat(c.to()).as(c.toString()).isEqualTo(to);
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "TAYGA_KILLED|tayga: TAYGA (pid ",
        "TAYGA_STOPPED|) is stopped (SIGSTOP)",
        "TUN_DOWN|tayga: TUN nat64 is administratively down",
        // After 150 ms, or up to the 200 ms interval when the host denied the path the CPU meanwhile.
        "TRANSLATED_TRAFFIC_DROPPED|icmp: 2/2 targets timed out after ",
        "EGRESS_ROUTE_REMOVED|egress: no IPv4 route 0.0.0.0/0 in netns ",
    })
    void faultIsDetectedAndRepairComesBackAfterRise(Fault fault, String reason) throws Exception {
        BlockingQueue<HealthChange> changes = new LinkedBlockingQueue<>();
        try (TranslatorHealth health = TranslatorHealth.create(gw.config(3, 2, Duration.ofMillis(200),
                Duration.ofMillis(50), Duration.ofMillis(150)), scheduler)) {
            health.addListener(changes::add);
            health.start();
            HealthChange up = next(changes, HealthState.UP);
            assertThat(up.from()).isEqualTo(HealthState.STARTING);

            fault.inject(gw);
            HealthChange down;
            try {
                down = next(changes, HealthState.DOWN);
            } finally {
                fault.repair(gw);
            }
            assertThat(down.reason()).contains(reason).contains("for 2 rounds in a row");
            HealthChange back = next(changes, HealthState.UP);
            assertThat(back.reason()).isEqualTo("3/3 probes passed (all 3 required) for 3 rounds in a row");
            assertThat(health.instance("tayga").status().state()).isEqualTo(HealthState.UP);
        }
    }

    @Test
    void theProbeNamespaceWasCreatedFromConfigAndDatapathProbesLeaveFromIt() throws Exception {
        BlockingQueue<HealthChange> changes = new LinkedBlockingQueue<>();
        try (TranslatorHealth health = TranslatorHealth.create(gw.config(1, 2, Duration.ofMillis(200),
                Duration.ofMillis(50), Duration.ofMillis(150)), scheduler)) {
            assertThat(Files.exists(Path.of("/run/netns", gw.probeNamespace))).isTrue();
            health.addListener(changes::add);
            health.start();
            HealthChange up = next(changes, HealthState.UP);
            assertThat(up.results()).filteredOn(r -> r.probe().equals("icmp")).singleElement()
                    .satisfies(r -> assertThat(r.reason()).startsWith("1/2 targets answered").contains("best rtt"));
            // Drop what leaves the probe namespace for the NAT64 prefix: only the datapath probe sees that.
            Cmd.run("ip", "netns", "exec", gw.probeNamespace, "nft", "add table ip6 xsprobe; add chain ip6 xsprobe"
                    + " out6 { type filter hook output priority 0; }; add rule ip6 xsprobe out6 ip6 daddr 64:ff9b::/96"
                    + " drop");
            try {
                HealthChange down = next(changes, HealthState.DOWN);
                assertThat(down.reason()).contains("icmp: 0/2 targets answered (1 of 2 required)")
                        .contains("send failed: Operation not permitted").doesNotContain("tayga: ");
            } finally {
                Cmd.run("ip", "netns", "exec", gw.probeNamespace, "nft", "delete table ip6 xsprobe");
            }
            next(changes, HealthState.UP);
        }
    }
}
