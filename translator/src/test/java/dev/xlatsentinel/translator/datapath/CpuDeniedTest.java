package dev.xlatsentinel.translator.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.translator.host.HostLoad;
import org.junit.jupiter.api.Test;

/** When a datapath run's deadline moves on for the CPU its path was denied, and when it does not. */
class CpuDeniedTest {
    private static final long MS = 1_000_000;

    /** Host CPU pressure in microseconds and the translator's run delay in nanoseconds. */
    private static HostLoad.Reading at(long pressureMicros, long translatorWaitNanos) {
        return new HostLoad.Reading(pressureMicros, translatorWaitNanos, 0, 0);
    }

    @Test
    void anIdleHostGivesNoExtensionSoABrokenPathFailsAtItsDeadline() {
        assertThat(CpuDenied.extension(at(1000, 0), at(1000, 0), 5 * MS, 0, 5 * MS, 50 * MS)).isZero();
    }

    @Test
    void theTimeThePathWasDeniedTheCpuExtendsTheDeadlineUpToTheCeiling() {
        // 4 ms of the 5 ms waited, someone waited for a CPU: 4 ms more.
        assertThat(CpuDenied.extension(at(1000, 0), at(5000, 0), 5 * MS, 0, 5 * MS, 50 * MS)).isEqualTo(4 * MS);
        // The translator's own run delay counts the same (pressure unknown on this host).
        assertThat(CpuDenied.extension(at(-1, 10 * MS), at(-1, 13 * MS), 5 * MS, 0, 5 * MS, 50 * MS))
                .isEqualTo(3 * MS);
        // Never past the ceiling: 45 ms denied at a 48 ms budget gives 2 ms.
        assertThat(CpuDenied.extension(at(0, 0), at(45_000, 0), 48 * MS, 0, 48 * MS, 50 * MS)).isEqualTo(2 * MS);
    }

    @Test
    void onlyTheWaitNotYetGrantedCountsAndAtTheCeilingTheTargetsTimeOut() {
        // 9 ms waited, 8 ms denied of which 4 ms already granted: 4 ms more.
        assertThat(CpuDenied.extension(at(0, 0), at(8000, 0), 9 * MS, 4 * MS, 9 * MS, 50 * MS)).isEqualTo(4 * MS);
        // Everything denied was granted already: time out.
        assertThat(CpuDenied.extension(at(0, 0), at(8000, 0), 13 * MS, 8 * MS, 13 * MS, 50 * MS)).isZero();
        // At the ceiling: time out, however busy the host.
        assertThat(CpuDenied.extension(at(0, 0), at(100_000, 0), 50 * MS, 0, 50 * MS, 50 * MS)).isZero();
    }

    @Test
    void aLittleContentionOrAnUnknownOrResetCounterGivesNoExtension() {
        // 1 ms denied in 5 ms waited: under a quarter, the path had the CPU.
        assertThat(CpuDenied.extension(at(0, 0), at(1000, 0), 5 * MS, 0, 5 * MS, 50 * MS)).isZero();
        assertThat(CpuDenied.extension(HostLoad.Reading.UNKNOWN, HostLoad.Reading.UNKNOWN, 5 * MS, 0, 5 * MS, 50 * MS))
                .isZero();
        // The translator restarted (its run delay went back): not a measurement.
        assertThat(CpuDenied.extension(at(-1, 30 * MS), at(-1, 1 * MS), 5 * MS, 0, 5 * MS, 50 * MS)).isZero();
    }

    @Test
    void aTranslatorLeftRunnableWithoutACpuMovesTheDeadlineThoughNeitherCounterShowsItYet() {
        // Recorded in the lab: PSI and the run delay flat, TAYGA runnable and not run since the send.
        HostLoad.Reading send = new HostLoad.Reading(11_844_157_793L, 30_522_267_000L, 0, 0, 9_825_643_000L, false, 0);
        HostLoad.Reading deadline = new HostLoad.Reading(11_844_157_793L, 30_522_267_000L, 0, 0, 9_825_643_000L, true,
                4 * MS);
        // Interval 5 ms, deadline 4 ms: the 1 ms left to the ceiling.
        assertThat(CpuDenied.extension(send, deadline, 4 * MS, 0, 4 * MS, 5 * MS)).isEqualTo(1 * MS);
        // It got the CPU and went back to sleep: nothing denied now, the open targets time out.
        HostLoad.Reading asleep = new HostLoad.Reading(11_844_157_793L, 30_522_267_000L, 0, 0, 9_825_700_000L, false,
                4 * MS);
        assertThat(CpuDenied.extension(send, asleep, 4 * MS, 0, 4 * MS, 5 * MS)).isZero();
    }
}
