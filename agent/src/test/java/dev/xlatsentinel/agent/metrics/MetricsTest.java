package dev.xlatsentinel.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.agent.runtime.AgentSnapshot;
import dev.xlatsentinel.bfd.Counter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricsTest {
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
