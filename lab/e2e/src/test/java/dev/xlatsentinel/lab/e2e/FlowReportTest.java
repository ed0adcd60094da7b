package dev.xlatsentinel.lab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.FlowSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class FlowReportTest {
    private static final long FAULT = 1_000_000;

    /** A flow of 40 datagrams every 10 ms from FAULT - 100 ms; {@code via(i)} its translator, null for lost. */
    private static FlowSet.FlowResult flow(int id, IntFunction<String> via) {
        return flow(id, via, i -> false);
    }

    /** The same, with the answers to {@code late(i)} coming 150 ms after the send. */
    private static FlowSet.FlowResult flow(int id, IntFunction<String> via, java.util.function.IntPredicate late) {
        int n = 40;
        long[] sent = new long[n];
        long[] answered = new long[n];
        String[] v = new String[n];
        for (int i = 0; i < n; i++) {
            sent[i] = FAULT - 100_000 + i * 10_000L + id * 100;
            v[i] = via.apply(i);
            answered[i] = v[i] == null ? 0 : sent[i] + (late.test(i) ? 150_000 : 300);
        }
        return new FlowSet.FlowResult(new FlowSet.Flow(id, "64:ff9b::1", 40000 + id), sent, answered, v);
    }

    @Test
    void aFailedHomesFlowsMoveAndHealthyOnesThatLoseOrMoveAreCounted() {
        List<FlowSet.FlowResult> flows = List.of(
                // gwa's flow: lost from the fault for 5 datagrams, then through gwb.
                flow(0, i -> i < 10 ? "gwa" : i < 15 ? null : "gwb"),
                // gwb's flow, untouched.
                flow(1, i -> "gwb"),
                // gwc's flow: one datagram lost after the fault, and moved to gwb for a while.
                flow(2, i -> i == 20 ? null : i > 30 && i < 33 ? "gwb" : "gwc"));
        FlowReport r = FlowReport.of(flows, FAULT, via -> via, Set.of("gwa"));
        assertThat(r.ofFailed()).extracting(o -> o.flow().id()).containsExactly(0);
        assertThat(r.failedEndedAt()).isEqualTo(Map.of("gwb", 1));
        assertThat(r.ofFailed().get(0).outageMs()).isEqualTo(50.0);
        assertThat(r.healthy()).hasSize(2);
        assertThat(r.healthyLostFlows()).isEqualTo(1);
        assertThat(r.healthyMoved()).isEqualTo(1);
        assertThat(r.healthyMovedPaths()).isEqualTo(Map.of("gwc -> gwb -> gwc", 1));
        assertThat(FlowReport.lossWindowMs(flows, r)).isEqualTo(50.0);
    }

    /** A starved machine answers late: part of an outage, but not a loss, and the flow did not move. */
    @Test
    void aLateAnswerIsAnOutageButNotALoss() {
        List<FlowSet.FlowResult> flows = List.of(flow(0, i -> "gwb", i -> i == 20 || i == 21));
        FlowReport r = FlowReport.of(flows, FAULT, via -> via, Set.of("gwa"));
        assertThat(r.healthyLostFlows()).isZero();
        assertThat(r.healthyLateFlows()).isEqualTo(1);
        assertThat(r.healthyMoved()).isZero();
        assertThat(r.healthy().get(0).outageMs()).isEqualTo(20.0);
    }

    @Test
    void aFlowLostToTheEndHasNoEndButAnOutageUntilItsLastSend() {
        List<FlowSet.FlowResult> flows = List.of(flow(0, i -> i < 10 ? "gwa" : null));
        FlowReport r = FlowReport.of(flows, FAULT, via -> via, Set.of("gwa"));
        assertThat(r.failedEndedAt()).isEqualTo(Map.of("nowhere", 1));
        assertThat(r.ofFailed().get(0).outageMs()).isEqualTo(290.0);
        assertThat(r.homeless()).isZero();
    }

    /** The contract with render-router-config: its BIRD output for three gateways, read back. */
    @Test
    void theRenderedPlanIsReadBackFromTheRenderersOwnGoldenFile() throws Exception {
        RenderedPlan plan = RenderedPlan.parse(Files.readString(
                Path.of("../../agent/src/test/resources/render/three-gateways.bird.conf")));
        assertThat(plan.parts()).hasSize(8).first().isEqualTo("64:ff9b::/99");
        assertThat(plan.orders().get("64:ff9b::/99")).containsExactly("2001:db8:ff::b", "2001:db8:ff::a",
                "2001:db8:ff::c");
        assertThat(plan.carrier("64:ff9b::/99", Set.of("2001:db8:ff::b"))).isEqualTo("2001:db8:ff::a");
        assertThat(ScaleOutScenario.ipv4Block("64:ff9b::6000:0/99")).containsExactly(96, 3);
    }
}
