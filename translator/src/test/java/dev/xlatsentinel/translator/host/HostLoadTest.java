package dev.xlatsentinel.translator.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The CPU wait between two readings, the translator's wait still going on included. Values
 * recorded in the lab (docs/failover.md "Soak"): gwa's TAYGA runnable for 15 ms at 11:25:50
 * while the host's CPU pressure stayed at 11844157793 us and its run delay at 30522267 us, which
 * then grew by 15.4 ms when it got a CPU.
 */
class HostLoadTest {
    private static final long MS = 1_000_000L;
    private static final long PSI = 11_844_157_793L;
    private static final long DELAY = 30_522_267_000L;
    private static final long RAN = 9_825_643_000L;

    private static HostLoad.Reading tayga(long psiMicros, long delay, long ran, boolean runnable, long at) {
        return new HostLoad.Reading(psiMicros, delay, 0, 0, ran, runnable, at);
    }

    @Test
    void aTranslatorRunnableThatHasNotRunSinceTheSendHasWaitedTheWholeTime() {
        HostLoad.Reading send = tayga(PSI, DELAY, RAN, false, 0);
        HostLoad.Reading deadline = tayga(PSI, DELAY, RAN, true, 5_200_000);
        assertThat(deadline.waitingSince(send)).isTrue();
        assertThat(deadline.cpuWaitSince(send)).isEqualTo(5_200_000);
    }

    @Test
    void onceItGotTheCpuTheRunDelayHasTheWaitAndNothingIsCountedTwice() {
        HostLoad.Reading send = tayga(PSI, DELAY, RAN, false, 0);
        // It ran (run time advanced) and is runnable again: only the completed wait, 15.4 ms.
        HostLoad.Reading later = tayga(PSI, DELAY + 15_404_000, RAN + 170_000, true, 20 * MS);
        assertThat(later.waitingSince(send)).isFalse();
        assertThat(later.cpuWaitSince(send)).isEqualTo(15_404_000);
    }

    @Test
    void aSleepingStoppedOrUnknownTranslatorIsNotWaitingForACpu() {
        HostLoad.Reading send = tayga(PSI, DELAY, RAN, false, 0);
        // Asleep in poll(2) with nothing to read (traffic dropped before or after it): no wait.
        assertThat(tayga(PSI, DELAY, RAN, false, 5 * MS).cpuWaitSince(send)).isZero();
        // Frozen (SIGSTOP, state T): not runnable, so not waiting.
        assertThat(tayga(PSI, DELAY, RAN, false, 5 * MS).waitingSince(send)).isFalse();
        // Run time unknown: the state alone proves nothing.
        assertThat(tayga(PSI, DELAY, -1, true, 5 * MS).waitingSince(tayga(PSI, DELAY, -1, false, 0))).isFalse();
        // The translator restarted between the readings (its counters went back): no measurement.
        assertThat(tayga(-1, 1000, 500, true, 5 * MS).cpuWaitSince(tayga(-1, DELAY, RAN, false, 0))).isEqualTo(-1);
        // A reading without the process (Jool; the 4-field form) never adds a wait.
        assertThat(new HostLoad.Reading(PSI, -1, 0, 0).cpuWaitSince(new HostLoad.Reading(PSI, -1, 0, 0))).isZero();
    }

    @Test
    void theHostsPressureStillCountsWhenItIsTheLongerWait() {
        HostLoad.Reading send = tayga(PSI, DELAY, RAN, false, 0);
        HostLoad.Reading deadline = tayga(PSI + 4_000, DELAY, RAN, true, 3 * MS);
        assertThat(deadline.cpuWaitSince(send)).isEqualTo(4 * MS);
    }
}
