package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Busy, upstream and late, each excused only when the evidence agrees; times by hand (nanoseconds). */
class EvidenceRuleTest {
    private static final long MS = 1_000_000L;
    private static final long NOW = 100_000 * MS;
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final Duration HUNG = Duration.ofSeconds(1);
    private static final long PERIOD = 10 * MS;

    private static ProbeResult timedOut(long lastReply) {
        return ProbeResult.fail("icmp", "2/2 targets timed out after 5 ms")
                .withSignal(new Signal.Datapath(true, List.of("100.64.100.10", "100.64.100.11"), lastReply));
    }

    private static ProbeResult tayga(long in, long out, long drops, boolean starved) {
        return ProbeResult.pass("tayga", "running").withSignal(new Signal.Forwarding(in, out, drops, starved, PERIOD));
    }

    private static ProbeResult nat(Signal.NativeOutcome a, Signal.NativeOutcome b, String local) {
        return ProbeResult.pass("icmp native", "checked").withSignal(new Signal.Native(
                Map.of("100.64.100.10", a, "100.64.100.11", b), local));
    }

    private static EvidenceRule.Judged judge(ProbeResult... r) {
        long[] last = new long[r.length];
        java.util.Arrays.fill(last, NOW - 10 * MS);
        return EvidenceRule.judge(List.of(r), last, NOW, WINDOW, HUNG);
    }

    @Test
    void timeoutsOfASaturatedTranslatorThatStillAnswersAreBusyNotBroken() {
        EvidenceRule.Judged j = judge(timedOut(NOW - 40 * MS), tayga(1800, 1300, 500, false));
        assertThat(j.busy()).isTrue();
        assertThat(j.results().get(0).passed()).isTrue();
        assertThat(j.results().get(0).reason()).startsWith("busy, not broken: 2/2 targets timed out after 5 ms, but "
                + "the translator took 1800 packets in (500 dropped for a full queue)");
        // Starved of CPU, or a high rate without queue drops (TCP), is saturated too.
        assertThat(judge(timedOut(NOW - 40 * MS), tayga(30, 0, 0, true)).busy()).isTrue();
        assertThat(judge(timedOut(NOW - 40 * MS), tayga(700, 700, 0, false)).busy()).isTrue();
    }

    @Test
    void trafficWithoutSaturationOrAPathSilentForTheWholeWindowIsCounted() {
        // A 1 ms test stream through a translator whose output is dropped: traffic, no queue: broken.
        EvidenceRule.Judged idle = judge(timedOut(NOW - 12 * MS), tayga(24, 22, 0, false));
        assertThat(idle.busy()).isFalse();
        assertThat(idle.results().get(0).passed()).isFalse();
        assertThat(idle.results().get(0).reason()).endsWith("(counted: translator not saturated (24 packets in, 0 "
                + "queue drops); no native check)");
        // Saturated, but nothing came back through the path for longer than the window.
        EvidenceRule.Judged silent = judge(timedOut(NOW - 10_100 * MS), tayga(1800, 1300, 500, false));
        assertThat(silent.results().get(0).passed()).isFalse();
        assertThat(silent.results().get(0).reason()).contains("no answer through the path for 10.1s");
        assertThat(judge(timedOut(Long.MIN_VALUE), tayga(1800, 1300, 500, false)).results().get(0).passed())
                .as("never answered").isFalse();
    }

    @Test
    void targetsSilentNativelyTooPointUpstreamAndRaiseTheAlarm() {
        EvidenceRule.Judged j = judge(timedOut(NOW - 9000 * MS), tayga(4, 4, 0, false),
                nat(Signal.NativeOutcome.SILENT, Signal.NativeOutcome.SILENT, ""));
        assertThat(j.upstream()).isTrue();
        assertThat(j.results().get(0).passed()).isTrue();
        assertThat(j.alarm()).isEqualTo("probe targets 100.64.100.10, 100.64.100.11 unreachable natively from the "
                + "gateway too: the fault is upstream or at the targets, not this translator; staying announced");
    }

    @Test
    void aTargetThatAnswersNativelyOrALocalErrorPointsAtTheGateway() {
        EvidenceRule.Judged answered = judge(timedOut(NOW - 9000 * MS), tayga(4, 4, 0, false),
                nat(Signal.NativeOutcome.ANSWERED, Signal.NativeOutcome.SILENT, ""));
        assertThat(answered.upstream()).isFalse();
        assertThat(answered.results().get(0).passed()).isFalse();
        EvidenceRule.Judged local = judge(timedOut(NOW - 9000 * MS), tayga(4, 4, 0, false),
                nat(Signal.NativeOutcome.LOCAL_ERROR, Signal.NativeOutcome.LOCAL_ERROR,
                        "100.64.100.10: send failed: Network is unreachable (errno 101)"));
        assertThat(local.alarm()).isNull();
        assertThat(local.results().get(0).passed()).isFalse();
        assertThat(local.results().get(0).reason()).contains("natively: local error 100.64.100.10: send failed");
    }

    @Test
    void anIcmpErrorIsNeverExcused() {
        ProbeResult error = ProbeResult.fail("icmp", "0/2 targets answered: destination unreachable (no route)")
                .withSignal(new Signal.Datapath(false, List.of(), NOW - MS));
        EvidenceRule.Judged j = judge(error, tayga(1800, 1300, 500, false),
                nat(Signal.NativeOutcome.SILENT, Signal.NativeOutcome.SILENT, ""));
        assertThat(j.results().get(0)).isEqualTo(error);
    }

    @Test
    void aCutProbeIsNotCountedUntilItHadNoRealResultForTheHungLimit() {
        ProbeResult cut = ProbeResult.fail("tayga", "no result within 5 ms (probe hung; cut)")
                .withSignal(new Signal.Hung());
        long[] last = {NOW - 900 * MS};
        EvidenceRule.Judged late = EvidenceRule.judge(List.of(cut), last, NOW, WINDOW, HUNG);
        assertThat(late.late()).isEqualTo(1);
        assertThat(late.results().get(0).passed()).isTrue();
        assertThat(last[0]).as("a cut is no real result").isEqualTo(NOW - 900 * MS);
        EvidenceRule.Judged hung = EvidenceRule.judge(List.of(cut), last, NOW + 100 * MS, WINDOW, HUNG);
        assertThat(hung.results().get(0).passed()).isFalse();
        assertThat(hung.results().get(0).reason()).endsWith("no real result for 1s");
    }

    @Test
    void countersOfAnEarlierRoundStandInWhenThisRoundsCounterProbeWasLate() {
        ProbeResult cut = ProbeResult.fail("tayga", "no result within 5 ms (probe hung; cut)")
                .withSignal(new Signal.Hung());
        long[] last = {NOW, NOW};
        EvidenceRule.Judged j = EvidenceRule.judge(List.of(timedOut(NOW - 20 * MS), cut), last, NOW, WINDOW, HUNG,
                new Signal.Forwarding(1800, 1300, 500, false, PERIOD));
        assertThat(j.busy()).isTrue();
        assertThat(j.results()).allMatch(ProbeResult::passed);
    }

    @Test
    void nativeEchoesLostUpstreamMakeTimeoutsOfAPathThatStillAnswersLossyNotBroken() {
        ProbeResult lossy = ProbeResult.pass("icmp native", "checked").withSignal(new Signal.Native(
                Map.of("100.64.100.10", Signal.NativeOutcome.ANSWERED, "100.64.100.11", Signal.NativeOutcome.ANSWERED),
                "", NOW - 200 * MS));
        EvidenceRule.Judged j = judge(timedOut(NOW - 30 * MS), tayga(4, 4, 0, false), lossy);
        assertThat(j.results().get(0).passed()).isTrue();
        assertThat(j.results().get(0).reason()).startsWith("lossy upstream, not broken: ");
        // No native loss: the same timeouts count (a translator whose output is dropped).
        EvidenceRule.Judged clean = judge(timedOut(NOW - 30 * MS), tayga(4, 4, 0, false),
                nat(Signal.NativeOutcome.ANSWERED, Signal.NativeOutcome.ANSWERED, ""));
        assertThat(clean.results().get(0).passed()).isFalse();
        assertThat(clean.results().get(0).reason()).contains("and the IPv4 side lost no native echo");
    }

    @Test
    void aLossyUpstreamDoesNotExcuseATranslatorWhoseOutputDoesNotLeave() {
        // The lab's "translated traffic dropped" seconds after a native echo was lost: TAYGA writes
        // (the stream, 1 per ms) and almost nothing leaves by the egress. Excused as lossy before:
        // three trials lost the stream for the whole fault (~660 ms) with no withdrawal.
        ProbeResult lossy = ProbeResult.pass("icmp native", "checked").withSignal(new Signal.Native(
                Map.of("100.64.100.10", Signal.NativeOutcome.ANSWERED, "100.64.100.11", Signal.NativeOutcome.ANSWERED),
                "", NOW - 2_000 * MS));
        ProbeResult heldBack = ProbeResult.pass("tayga", "running")
                .withSignal(new Signal.Forwarding(60, 60, 0, false, PERIOD, 110, 26));
        EvidenceRule.Judged j = judge(timedOut(NOW - 30 * MS), heldBack, lossy);
        assertThat(j.results().get(0).passed()).isFalse();
        assertThat(j.results().get(0).reason()).contains("its output does not leave the gateway (the egress transmitted"
                + " 26 packets while the translator wrote 110)");
        // Its output leaving, the same native loss still excuses the timeouts.
        ProbeResult leaves = ProbeResult.pass("tayga", "running")
                .withSignal(new Signal.Forwarding(60, 60, 0, false, PERIOD, 110, 108));
        assertThat(judge(timedOut(NOW - 30 * MS), leaves, lossy).results().get(0).reason())
                .startsWith("lossy upstream, not broken: ");
    }

    private static ProbeResult timedOutOn(long lastReply, long waitedMs, long cpuWaitMs) {
        return ProbeResult.fail("icmp", "2/2 targets timed out after 50 ms").withSignal(new Signal.Datapath(true,
                List.of("100.64.100.10", "100.64.100.11"), lastReply,
                new Signal.Load(waitedMs * MS, cpuWaitMs * MS, 0, 1, 0)));
    }

    @Test
    void aTimeoutOnAStarvedHostIsNotCountedWhileThePathAnsweredWithinTheHungLimit() {
        // The idle backup on a host whose CPUs another gateway's flood takes: 0 packets in.
        EvidenceRule.Judged j = judge(timedOutOn(NOW - 300 * MS, 52, 51), tayga(0, 0, 0, false),
                nat(Signal.NativeOutcome.ANSWERED, Signal.NativeOutcome.ANSWERED, ""));
        assertThat(j.busy()).isTrue();
        assertThat(j.results().get(0).passed()).isTrue();
        assertThat(j.results().get(0).reason()).startsWith("host starved, not broken: 2/2 targets timed out after "
                + "50 ms, but the path was denied the CPU (waited 52.0 ms, CPU wait 51.0 ms, 1 squeezes) and "
                + "answered 300ms ago");
    }

    @Test
    void aStarvedHostDoesNotHideAPathSilentForTheHungLimitNorAnUnstarvedTimeout() {
        // Starved, but nothing came back through the path for longer than the hung limit: a real fault.
        EvidenceRule.Judged silent = judge(timedOutOn(NOW - 1100 * MS, 52, 51), tayga(0, 0, 0, false),
                nat(Signal.NativeOutcome.ANSWERED, Signal.NativeOutcome.ANSWERED, ""));
        assertThat(silent.results().get(0).passed()).isFalse();
        assertThat(silent.results().get(0).reason()).endsWith("host: waited 52.0 ms, CPU wait 51.0 ms, 1 squeezes, "
                + "starved but no answer through the path for 1.1s)");
        // The path had the CPU (a tenth of the wait denied): the timeout counts at once.
        EvidenceRule.Judged idle = judge(timedOutOn(NOW - 300 * MS, 50, 5), tayga(0, 0, 0, false),
                nat(Signal.NativeOutcome.ANSWERED, Signal.NativeOutcome.ANSWERED, ""));
        assertThat(idle.results().get(0).passed()).isFalse();
        // Unknown CPU wait is not starvation.
        assertThat(new Signal.Load(50 * MS, -1, 0, 0, 0).starved()).isFalse();
        // An ICMP error on a starved host is still counted.
        ProbeResult unreachable = ProbeResult.fail("icmp", "2/2 targets unreachable").withSignal(new Signal.Datapath(
                false, List.of(), NOW - 10 * MS, new Signal.Load(50 * MS, 50 * MS, 0, 0, 0)));
        assertThat(judge(unreachable, tayga(0, 0, 0, false)).results().get(0).passed()).isFalse();
    }

    /** TAYGA saturated (queue drops), its output over the egress window and what the egress sent meanwhile. */
    private static ProbeResult saturated(long written, long egress) {
        return ProbeResult.pass("tayga", "running")
                .withSignal(new Signal.Forwarding(20_000, 200, 19_800, false, PERIOD, written, egress));
    }

    @Test
    void aSaturatedTranslatorWhoseOutputLeavesIsBusyBeyondTheReplyWindow() {
        // Measured in the lab: a starved TAYGA took 1 packet in 100; no probe answered for 30 s, but
        // everything it wrote left through the IPv4 side.
        EvidenceRule.Judged j = judge(timedOut(NOW - 30_000 * MS), saturated(2_000, 1_990),
                nat(Signal.NativeOutcome.ANSWERED, Signal.NativeOutcome.ANSWERED, ""));
        assertThat(j.busy()).isTrue();
        assertThat(j.results().get(0).passed()).isTrue();
        assertThat(j.results().get(0).reason()).endsWith("the path silent for 30s but its output leaves the gateway "
                + "(the egress transmitted 1990 packets while the translator wrote 2000)");
        // A quarter leaving is enough (an uplink that drops some); never answered at all is fine too.
        assertThat(judge(timedOut(Long.MIN_VALUE), saturated(2_000, 500)).results().get(0).passed()).isTrue();
    }

    @Test
    void aSaturatedTranslatorWhoseOutputDoesNotLeaveIsCountedAtOnce() {
        // Translated traffic dropped at the IPv4 egress (nftables): TAYGA writes, nothing leaves. The
        // path answered 40 ms ago, the host is starved: neither excuse holds.
        EvidenceRule.Judged j = judge(timedOutOn(NOW - 40 * MS, 52, 51), saturated(2_000, 30),
                nat(Signal.NativeOutcome.ANSWERED, Signal.NativeOutcome.ANSWERED, ""));
        assertThat(j.busy()).isFalse();
        assertThat(j.results().get(0).passed()).isFalse();
        assertThat(j.results().get(0).reason()).contains("(counted: its output does not leave the gateway (the "
                + "egress transmitted 30 packets while the translator wrote 2000); natively");
        // Nor is it "upstream" when the targets are silent natively too: the gateway holds it back.
        EvidenceRule.Judged dark = judge(timedOut(NOW - 40 * MS), saturated(2_000, 0),
                nat(Signal.NativeOutcome.SILENT, Signal.NativeOutcome.SILENT, ""));
        assertThat(dark.upstream()).isFalse();
        assertThat(dark.results().get(0).passed()).isFalse();
    }

    @Test
    void tooFewPacketsOrNoEgressFiguresChangeNothing() {
        // 10 written: the gateway's own traffic on the same links is of that size; as before the rule.
        assertThat(judge(timedOut(NOW - 40 * MS), saturated(10, 0)).results().get(0).passed()).isTrue();
        assertThat(judge(timedOut(NOW - 10_100 * MS), saturated(10, 10)).results().get(0).passed()).isFalse();
        assertThat(judge(timedOut(NOW - 10_100 * MS), saturated(-1, -1)).results().get(0).passed()).isFalse();
        // Output leaving does not make an unsaturated translator busy.
        ProbeResult light = ProbeResult.pass("tayga", "running")
                .withSignal(new Signal.Forwarding(24, 22, 0, false, PERIOD, 2_000, 2_000));
        assertThat(judge(timedOut(NOW - 12 * MS), light).results().get(0).passed()).isFalse();
    }

    @Test
    void aFloodThatJustMovedOnStillExcusesTheTimeoutsItLeftBehind() {
        // The backup carried the flood for a second after a BFD flap; this round's counters are quiet
        // again, but its probes were lost in the full queue. Measured: answers back 0.35 s later.
        long[] last = {NOW, NOW};
        Signal.Forwarding flood = new Signal.Forwarding(30_000, 600, 29_400, false, 100 * MS);
        ProbeResult quietNow = ProbeResult.pass("tayga", "running")
                .withSignal(new Signal.Forwarding(137, 137, 0, false, 300 * MS));
        EvidenceRule.Judged j = EvidenceRule.judge(List.of(timedOut(NOW - 1_240 * MS), quietNow),
                last, NOW, WINDOW, HUNG, null, flood);
        assertThat(j.busy()).isTrue();
        assertThat(j.results().get(0).passed()).isTrue();
        assertThat(j.results().get(0).reason()).contains("wrote 600 back in a check within the last 1s (a flood "
                + "that moved on)");
        // Without it (older than the hung limit: InstanceHealth passes none), the same round counts.
        EvidenceRule.Judged quiet = EvidenceRule.judge(List.of(timedOut(NOW - 1_240 * MS), quietNow),
                last, NOW, WINDOW, HUNG, null, null);
        assertThat(quiet.results().get(0).passed()).isFalse();
        assertThat(quiet.results().get(0).reason()).contains("translator not saturated (137 packets in, 0 queue drops)");
        // A flood that moved on does not excuse a path silent for the whole reply window.
        assertThat(EvidenceRule.judge(List.of(timedOut(NOW - 10_100 * MS), quietNow), last, NOW,
                WINDOW, HUNG, null, flood).results().get(0).passed()).isFalse();
    }
}
