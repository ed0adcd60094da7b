package dev.xlatsentinel.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.agent.runtime.AgentSnapshot;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.host.CommandProbe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The metrics stay bounded whatever probes print, and forget what the config no longer has. */
class MetricsTest {
    private static final AgentSnapshot EMPTY = new AgentSnapshot(null, null, null, false, List.of(), List.of(),
            List.of());

    private static String scrape(Metrics m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, m.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static long series(String text, String metric) {
        return text.lines().filter(l -> l.startsWith(metric + "{")).count();
    }

    @Test
    void aProbeThatPrintsRandomTextMakesOneFailureSeriesNotOnePerRound() throws Exception {
        try (SystemScheduler scheduler = new SystemScheduler("metrics-test"); Metrics m = new Metrics(() -> EMPTY)) {
            CommandProbe noisy = new CommandProbe("noisy", null, List.of("sh", "-c",
                    "head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \\n'; echo; exit 1"), new Subprocess(scheduler));
            Set<String> reasons = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                ProbeResult r = noisy.run(Duration.ofSeconds(5)).get();
                assertThat(r.passed()).isFalse();
                reasons.add(r.reason());
                m.round("edge", List.of(r));
            }
            assertThat(reasons).as("the probe said something new each time").hasSizeGreaterThan(30);
            String text = scrape(m);
            assertThat(series(text, "xlat_probe_failures_total")).isEqualTo(1);
            assertThat(text).contains("xlat_probe_failures_total{failure=\"exit-status\",instance=\"edge\","
                    + "probe=\"noisy\"} 40.0");
        }
    }

    @Test
    void failureClassesAreAFixedSet() {
        assertThat(FailureClass.of("'sleep 30' did not finish within 200 ms (killed)")).isEqualTo(FailureClass.TIMEOUT);
        assertThat(FailureClass.of("icmp: 3/3 targets timed out after 50 ms")).isEqualTo(FailureClass.TIMEOUT);
        assertThat(FailureClass.of("exit 3: no upstream")).isEqualTo(FailureClass.EXIT_STATUS);
        assertThat(FailureClass.of("'/nonexistent/check' not found")).isEqualTo(FailureClass.MISSING);
        assertThat(FailureClass.of("TUN nat64 does not exist")).isEqualTo(FailureClass.MISSING);
        assertThat(FailureClass.of("no IPv4 route 0.0.0.0/0 in gw")).isEqualTo(FailureClass.MISSING);
        assertThat(FailureClass.of("probe error: NullPointerException")).isEqualTo(FailureClass.PROBE_ERROR);
        assertThat(FailureClass.of("pool4 exhausted: 0 free ports")).isEqualTo(FailureClass.FAILED);
    }

    @Test
    void seriesOfInstancesAndServicesARemovedConfigNoLongerHasAreRemoved() throws Exception {
        try (Metrics m = new Metrics(() -> EMPTY)) {
            m.round("kept", List.of(ProbeResult.fail("icmp", "exit 1")));
            m.round("gone", List.of(ProbeResult.fail("icmp", "exit 1")));
            m.transition(new dev.xlatsentinel.agent.policy.Verdict("old-service", true, "drained"));
            assertThat(scrape(m)).contains("instance=\"gone\"", "service=\"old-service\"");
            m.configured(Set.of("kept"), Set.of("new-service"), Set.of());
            String text = scrape(m);
            assertThat(text).contains("instance=\"kept\"").doesNotContain("instance=\"gone\"")
                    .doesNotContain("old-service");
        }
    }

    @Test
    void realtimeDemotionsAreReadAtEachScrape() throws Exception {
        java.util.concurrent.atomic.AtomicLong demotions = new java.util.concurrent.atomic.AtomicLong();
        try (Metrics m = new Metrics(() -> EMPTY, demotions::get)) {
            assertThat(scrape(m)).contains("xlat_realtime_demotions_total 0.0");
            demotions.set(2);
            assertThat(scrape(m)).contains("xlat_realtime_demotions_total 2.0");
        }
    }

    @Test
    void decisionToWireIsAHistogramPerInstanceAndSender() throws Exception {
        try (Metrics m = new Metrics(() -> EMPTY)) {
            m.heldDown("tayga", Duration.ofNanos(310_000), true);
            m.heldDown("tayga", Duration.ofMillis(3), false);
            String text = scrape(m);
            assertThat(text).contains(
                    "xlat_decision_to_wire_seconds_bucket{instance=\"tayga\",sent_by=\"deciding_thread\",le=\"5.0E-4\"} 1",
                    "xlat_decision_to_wire_seconds_bucket{instance=\"tayga\",sent_by=\"deciding_thread\",le=\"2.5E-4\"} 0",
                    "xlat_decision_to_wire_seconds_count{instance=\"tayga\",sent_by=\"bfd_loop\"} 1");
            m.configured(Set.of(), Set.of(), Set.of());
            assertThat(scrape(m)).doesNotContain("instance=\"tayga\"");
        }
    }

    /** One withdrawal, however often its reason changes meanwhile (min-hold), counts once. */
    @Test
    void serviceTransitionsCountWithdrawalsNotReasons() throws Exception {
        try (Metrics m = new Metrics(() -> EMPTY)) {
            var down = new dev.xlatsentinel.agent.policy.Verdict("nat64", true, "instance tayga DOWN");
            m.verdict(down);
            m.transition(down);
            m.verdict(new dev.xlatsentinel.agent.policy.Verdict("nat64", true, "min-hold 5s after withdrawal"));
            assertThat(scrape(m)).contains("xlat_service_transitions_total{action=\"withdraw\",service=\"nat64\"} 1.0");
        }
    }

    @Test
    void nothingButPacketsIsCountedAsPackets() {
        for (Counter c : Counter.values()) {
            boolean packets = c.label().contains("packets") || c.label().startsWith("drop-")
                    || c.label().equals("tx-errors") || c.label().equals("finals-sent");
            assertThat(Metrics.isPackets(c)).as(c.label()).isEqualTo(packets);
        }
    }

    private static AgentSnapshot snapshot() {
        AgentSnapshot.Service withdrawn = new AgentSnapshot.Service("nat64", true, "instance tayga DOWN", Instant.EPOCH,
                List.of("tayga"), List.of(), List.of(), List.of());
        AgentSnapshot.Service announced = new AgentSnapshot.Service("siit", false, "all UP", Instant.EPOCH,
                List.of("siit"), List.of(), List.of(), List.of());
        AgentSnapshot.BfdReceive rx = new AgentSnapshot.BfdReceive(null, List.of(),
                Map.of(Counter.DROP_NO_SESSION, 7L, Counter.RX_PACKETS, 9L));
        return new AgentSnapshot(null, Instant.EPOCH, Instant.EPOCH, false, List.of(), List.of(withdrawn, announced),
                List.of(rx));
    }

    @Test
    void oneScrapeTakesOneSnapshotOfTheAgent() {
        AtomicInteger taken = new AtomicInteger();
        try (Metrics m = new Metrics(() -> {
            taken.incrementAndGet();
            return snapshot();
        })) {
            MetricSnapshots scrape = m.registry().scrape();
            assertThat(taken).hasValue(1);
            assertThat(gauge(scrape, "xlat_service_withdrawn")).containsEntry("siit", 0.0).containsEntry("nat64", 1.0);
            CounterSnapshot drops = (CounterSnapshot) family(scrape, "xlat_bfd_dropped_packets");
            assertThat(drops.getDataPoints()).singleElement().satisfies(p -> {
                assertThat(p.getValue()).isEqualTo(7.0);
                assertThat(p.getLabels().get("reason")).isEqualTo("no-session");
            });
            m.registry().scrape();
            assertThat(taken).hasValue(2);
        }
    }

    private static MetricSnapshot family(MetricSnapshots scrape, String name) {
        return scrape.stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Double> gauge(MetricSnapshots scrape, String name) {
        return ((GaugeSnapshot) family(scrape, name)).getDataPoints().stream()
                .collect(Collectors.toMap(p -> p.getLabels().getValue(0), GaugeSnapshot.GaugeDataPointSnapshot::getValue));
    }
}
