package dev.xlatsentinel.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.agent.control.AgentCommands;
import dev.xlatsentinel.agent.golden.Golden;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden files for {@code status} in both forms: a gateway with one healthy instance and
 * one that failed, so every column shows something. Regenerate with
 * {@code -Dgolden.update=true} and review the diff.
 */
class StatusGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/status");
    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    static AgentStatus sample() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("tx-packets", 3601L);
        counters.put("rx-packets", 3598L);
        counters.put("state-transitions", 3L);
        counters.put("drop-ttl", 2L);
        var lower = new AgentStatus.InstanceView("lower", "UP", NOW.minusSeconds(7384), "3/3 probes passed", 7, 0,
                61234, false, null, new AgentStatus.DampingView(0, false, 0),
                "probe targets 192.0.2.1, 198.51.100.1 unreachable natively from the gateway too: the fault is "
                        + "upstream or at the targets, not this translator; staying announced",
                new AgentStatus.DoNoHarmView(12, 40, 3, 0.2, 4.7),
                List.of(new AgentStatus.ProbeView("icmp", true, "3/3 targets answered (max 1.2 ms)", 1.234),
                        new AgentStatus.ProbeView("jool", true, "instance Running, counters normal", 8.5)));
        var upper = new AgentStatus.InstanceView("upper", "DOWN", NOW.minusMillis(4200),
                "0/2 probes passed for 2 rounds in a row: icmp: 3/3 targets timed out after 100 ms", 0, 42, 61190,
                true, "kernel upgrade", new AgentStatus.DampingView(1812.5, false, 2),
                List.of(new AgentStatus.ProbeView("icmp", false, "3/3 targets timed out after 100 ms", 100.4),
                        new AgentStatus.ProbeView("jool", false, "JSTAT_FAILED_ROUTES rising (+120/s)", 7.9)));
        var bfdUp = new AgentStatus.BfdView("2001:db8:ff::1", "2001:db8:ff::a1", "eth0", "jool", "single-hop",
                new AgentStatus.BfdStates("Up", "Up", "none", "none", false), new AgentStatus.BfdTimers(10, 10, 3, 3, 30),
                new AgentStatus.BfdDiscriminators(1111, 2222), 7380000, NOW.minusSeconds(7380),
                new AgentStatus.AuthView("meticulous-keyed-sha1", 2, List.of(1, 2), 1), counters);
        var bfdDown = new AgentStatus.BfdView("2001:db8:ff::1", "2001:db8:ff::a2", "eth0", "jool", "single-hop",
                new AgentStatus.BfdStates("Down", "Init", "path-down", "neighbor-down", true),
                new AgentStatus.BfdTimers(1000, 1000, 3, 3, 3000), new AgentStatus.BfdDiscriminators(3333, 4444), 0,
                NOW.minusMillis(4150), AgentStatus.AuthView.NONE, counters);
        Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("drop-truncated", 0L);
        drops.put("drop-bad-version", 271_828L);
        drops.put("drop-unknown-your-discriminator", 31_415L);
        drops.put("drop-ttl", 2L);
        var receive = new AgentStatus.BfdReceiveView("jool", List.of(
                new AgentStatus.ReceiveQueueView("ipv6", "single-hop", "peers", 1, "exact", 7196, 0),
                new AgentStatus.ReceiveQueueView("ipv6", "single-hop", "others", 1, "exact", 303_243, 1_812_004)),
                drops);
        return new AgentStatus(AgentStatus.SCHEMA, "0.1.0", 4242, NOW.minusSeconds(7400),
                new AgentStatus.ConfigView("/etc/xlat-sentinel/agent.yaml", NOW.minusSeconds(600),
                        "/etc/xlat-sentinel/maintenance", false, new AgentStatus.ReloadView(NOW.minusSeconds(600),
                                "root:root", "accepted", "bfd 2001:db8:ff::1 from 2001:db8:ff::a3 dev eth0 single-hop"
                                        + " removed; frr bfdd peer 2001:db8:ff::1 removed",
                                List.of(new AgentStatus.FollowUpView("bfd 2001:db8:ff::1 from 2001:db8:ff::a3 dev eth0"
                                        + " single-hop", "removed: AdminDown to the peer for one detection time, then"
                                        + " its socket closes", "done", null, NOW.minusSeconds(597)),
                                        new AgentStatus.FollowUpView("frr bfdd peer 2001:db8:ff::1", "removed",
                                                "FAILED", "bfdd did not answer within 2000 ms",
                                                NOW.minusSeconds(598))))),
                List.of(lower, upper),
                List.of(new AgentStatus.ServiceView("nat64-lower", false, "all of lower UP", NOW.minusSeconds(7300),
                        List.of("lower"), List.of(bfdUp), List.of(), List.of()),
                        new AgentStatus.ServiceView("nat64-upper", true,
                                "instance upper DOWN (0/2 probes passed for 2 rounds in a row: icmp: 3/3 targets "
                                        + "timed out after 100 ms)", NOW.minusMillis(4150), List.of("upper"),
                                List.of(bfdDown), List.of(), List.of())),
                List.of(receive));
    }

    @Test
    void humanStatusMatchesTheGoldenFile() throws Exception {
        golden("status.txt", StatusText.render(sample(), NOW));
    }

    @Test
    void jsonStatusMatchesTheGoldenFileAndReadsBack() throws Exception {
        String json = AgentCommands.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sample()) + "\n";
        golden("status.json", json);
        assertThat(AgentCommands.JSON.readValue(json, AgentStatus.class)).isEqualTo(sample());
    }

    static void golden(String name, String actual) throws Exception {
        Golden.assertMatches(DIR.resolve(name), actual);
    }
}
