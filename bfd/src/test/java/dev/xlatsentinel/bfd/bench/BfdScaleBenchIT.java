package dev.xlatsentinel.bfd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the scale benchmark from rotting: one tiny cell per kind of peer (4 sessions at
 * 50 ms, a 3 s window) through the whole harness (namespaces, bfdd or a second engine JVM,
 * our engine JVM, capture, /proc sampling). Checks that every figure was measured, never
 * how good it is: timing belongs to the benchmark ({@code lab/bench/bfd-scale}).
 */
class BfdScaleBenchIT {
    private static Map<String, Object> cell(String peer) throws Exception {
        return BfdScaleBench.run(Args.parse(new String[] {"--peer", peer, "--n", "4", "--interval-ms", "50",
                "--window-s", "3", "--settle-s", "1"}));
    }

    @Test
    void cellAgainstFrrBfddMeasuresBothSides() throws Exception {
        Map<String, Object> r = cell("frr");
        assertThat(r).containsEntry("n", 4).containsEntry("ourUpAtEnd", 4).containsEntry("peerUpAtEnd", 4);
        assertThat(r).containsKeys("ourDowns", "peerDowns", "cpuRatio", "txP9999Ms", "txMaxMs", "firstPacketMs");
        assertThat((double) r.get("ourCpuS")).isPositive();
        assertThat((double) r.get("peerCpuS")).isGreaterThanOrEqualTo(0);
        assertThat((double) r.get("ourRssMb")).isPositive();
        assertThat((double) r.get("peerRssMb")).isPositive();
        assertThat((int) r.get("capturedSessions")).as("our 4 sessions in the capture").isEqualTo(4);
        assertThat((long) r.get("capturedPackets")).isPositive();
        assertThat((double) r.get("txMaxMs")).isPositive();
        assertThat((double) r.get("firstPacketMs")).isPositive();
    }

    @Test
    void cellAgainstASecondEngineMeasuresBothSides() throws Exception {
        Map<String, Object> r = cell("engine");
        assertThat(r).containsEntry("ourUpAtEnd", 4).containsEntry("peerUpAtEnd", 4);
        assertThat((double) r.get("peerRssMb")).isPositive();
        assertThat((long) r.get("capturedPackets")).isPositive();
    }
}
