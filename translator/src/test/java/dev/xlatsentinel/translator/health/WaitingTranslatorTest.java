package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.translator.host.HostLoad;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An idle, working TAYGA whose probes time out because it is runnable but waiting for a CPU
 * (the soak's withdrawals: "CPU wait 0.0 ms", both counters flat until it ran) is excused as a
 * starved host; a frozen TAYGA and a dropped path are still counted at once. The readings are
 * the lab's (docs/failover.md "Soak"), times by hand in nanoseconds.
 */
class WaitingTranslatorTest {
    private static final long MS = 1_000_000L;
    private static final long NOW = 100_000 * MS;
    private static final long PSI = 11_844_157_793L;
    private static final long DELAY = 30_522_267_000L;
    private static final long RAN = 9_825_643_000L;

    /** A datapath run that waited 5.2 ms, its load measured from two readings as the probe does. */
    private static ProbeResult timedOut(HostLoad.Reading send, HostLoad.Reading deadline, long lastReply) {
        long waited = deadline.atNanos() - send.atNanos();
        return ProbeResult.fail("icmp", "2/2 targets timed out after 5ms").withSignal(new Signal.Datapath(true,
                List.of("100.64.100.10", "100.64.100.11"), lastReply,
                new Signal.Load(waited, deadline.cpuWaitSince(send), 0, 0, 0, deadline.translatorWaitSince(send))));
    }

    private static EvidenceRule.Judged judge(ProbeResult icmp) {
        ProbeResult tayga = ProbeResult.pass("tayga", "running")
                .withSignal(new Signal.Forwarding(4, 4, 0, false, 10 * MS));
        ProbeResult nat = ProbeResult.pass("icmp native", "checked").withSignal(new Signal.Native(Map.of(
                "100.64.100.10", Signal.NativeOutcome.ANSWERED, "100.64.100.11", Signal.NativeOutcome.ANSWERED), ""));
        long[] last = {NOW - 10 * MS, NOW - 10 * MS, NOW - 10 * MS};
        return EvidenceRule.judge(List.of(icmp, tayga, nat), last, NOW, Duration.ofSeconds(10), Duration.ofSeconds(1));
    }

    @Test
    void aWorkingTranslatorWaitingForACpuAtTheDeadlineIsNotCounted() {
        HostLoad.Reading send = new HostLoad.Reading(PSI, DELAY, 0, 0, RAN, false, 0);
        HostLoad.Reading deadline = new HostLoad.Reading(PSI, DELAY, 0, 0, RAN, true, 5_200_000);
        EvidenceRule.Judged j = judge(timedOut(send, deadline, NOW - 20 * MS));
        assertThat(j.results().get(0).passed()).isTrue();
        assertThat(j.results().get(0).reason()).startsWith("host starved, not broken: ")
                .contains("CPU wait 5.2 ms (the translator's own 5.2 ms)");
    }

    @Test
    void aFrozenTranslatorOrADroppedPathIsCountedAtOnce() {
        HostLoad.Reading send = new HostLoad.Reading(PSI, DELAY, 0, 0, RAN, false, 0);
        // Frozen (SIGSTOP): state T, not runnable; nothing waited for a CPU.
        HostLoad.Reading frozen = new HostLoad.Reading(PSI, DELAY, 0, 0, RAN, false, 5_200_000);
        assertThat(judge(timedOut(send, frozen, NOW - 20 * MS)).results().get(0).passed()).isFalse();
        // Translated traffic dropped: TAYGA ran (translated the echoes) and sleeps in poll(2).
        HostLoad.Reading dropped = new HostLoad.Reading(PSI, DELAY + 40_000, 0, 0, RAN + 60_000, false, 5_200_000);
        EvidenceRule.Judged j = judge(timedOut(send, dropped, NOW - 20 * MS));
        assertThat(j.results().get(0).passed()).isFalse();
        assertThat(j.results().get(0).reason()).contains("(counted: ").contains("CPU wait 0.0 ms (the translator's own 0.0 ms)");
        // Runnable again at the deadline but it had run since the send (its answers were not
        // lost to a wait): the brief 40 us of run delay does not excuse the timeout.
        HostLoad.Reading ranThenRunnable = new HostLoad.Reading(PSI, DELAY + 40_000, 0, 0, RAN + 60_000, true,
                5_200_000);
        assertThat(judge(timedOut(send, ranThenRunnable, NOW - 20 * MS)).results().get(0).passed()).isFalse();
    }

    @Test
    void aTranslatorLeftWithoutACpuPastTheHungLimitIsCounted() {
        HostLoad.Reading send = new HostLoad.Reading(PSI, DELAY, 0, 0, RAN, false, 0);
        HostLoad.Reading deadline = new HostLoad.Reading(PSI, DELAY, 0, 0, RAN, true, 5_200_000);
        EvidenceRule.Judged j = judge(timedOut(send, deadline, NOW - 1_100 * MS));
        assertThat(j.results().get(0).passed()).isFalse();
        assertThat(j.results().get(0).reason()).contains("starved but no answer through the path for 1.1s");
    }
}
