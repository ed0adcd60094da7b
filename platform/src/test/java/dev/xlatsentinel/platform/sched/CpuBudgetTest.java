package dev.xlatsentinel.platform.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.platform.sched.CpuBudget.Verdict;
import org.junit.jupiter.api.Test;

/** 200 ms of CPU in any trailing second, 10 s quiet before a restore; times in milliseconds. */
class CpuBudgetTest {
    private static final long MS = 1_000_000;
    private final CpuBudget budget = new CpuBudget(1000 * MS, 200 * MS, 10_000 * MS);

    private Verdict at(long nowMs, long cpuMs) {
        return budget.sample(nowMs * MS, cpuMs * MS);
    }

    @Test
    void aThreadThatSleepsMostOfTheTimeIsKept() {
        for (long t = 0; t <= 5000; t += 100) {
            assertThat(at(t, t / 10)).as("10 %% of a CPU at %d ms", t).isEqualTo(Verdict.KEEP);
        }
        assertThat(budget.usedNanos()).isEqualTo(100 * MS);
        assertThat(budget.demoted()).isFalse();
    }

    @Test
    void aSpinningThreadIsDemotedOnceItHasUsedTheBudgetNotAfterAWholeWindow() {
        assertThat(at(0, 0)).isEqualTo(Verdict.KEEP);
        assertThat(at(100, 100)).isEqualTo(Verdict.KEEP);
        assertThat(at(200, 200)).as("exactly the budget is within it").isEqualTo(Verdict.KEEP);
        assertThat(at(300, 300)).isEqualTo(Verdict.DEMOTE);
        assertThat(budget.usedNanos()).isEqualTo(300 * MS);
        assertThat(budget.demoted()).isTrue();
    }

    @Test
    void nothingBeforeItsStartIsOverIsHeldAgainstIt() {
        CpuBudget started = new CpuBudget(1000 * MS, 200 * MS, 10_000 * MS, 1000 * MS);
        assertThat(started.sample(0, 0)).isEqualTo(Verdict.KEEP);
        assertThat(started.sample(900 * MS, 900 * MS)).as("a busy start").isEqualTo(Verdict.KEEP);
        assertThat(started.sample(1000 * MS, 1000 * MS)).as("still busy after it").isEqualTo(Verdict.DEMOTE);
    }

    @Test
    void onlyTheTrailingWindowCounts() {
        // 150 ms of CPU early, then 100 ms more two seconds later: never 200 ms in one second.
        at(0, 0);
        assertThat(at(100, 150)).isEqualTo(Verdict.KEEP);
        for (long t = 200; t <= 2000; t += 100) {
            assertThat(at(t, 150)).isEqualTo(Verdict.KEEP);
        }
        assertThat(at(2100, 250)).isEqualTo(Verdict.KEEP);
        assertThat(budget.usedNanos()).isEqualTo(100 * MS);
    }

    @Test
    void aDemotedThreadIsRestoredAfterTenQuietSecondsNotBefore() {
        at(0, 0);
        assertThat(at(500, 500)).isEqualTo(Verdict.DEMOTE);
        // It goes on spinning until 1.5 s. The trailing second holds more than 200 ms of it
        // until 2.3 s (1.2-2.2 s: 300 ms), so the ten quiet seconds count from 2.2 s.
        for (long t = 600; t <= 1500; t += 100) {
            assertThat(at(t, t)).isEqualTo(Verdict.KEEP);
        }
        long cpu = 1500;
        for (long t = 1600; t < 12_200; t += 100) {
            assertThat(at(t, cpu)).as("at %d ms", t).isEqualTo(Verdict.KEEP);
        }
        assertThat(budget.demoted()).isTrue();
        assertThat(at(12_200, cpu)).isEqualTo(Verdict.RESTORE);
        assertThat(budget.demoted()).isFalse();
        assertThat(at(12_300, cpu)).isEqualTo(Verdict.KEEP);
    }

    @Test
    void aDemotedThreadOverBudgetAgainStartsItsQuietPeriodAgain() {
        at(0, 0);
        assertThat(at(300, 300)).isEqualTo(Verdict.DEMOTE);
        for (long t = 400; t <= 9000; t += 100) {
            assertThat(at(t, 300)).isEqualTo(Verdict.KEEP);
        }
        assertThat(at(9100, 600)).as("a burst at 9.1 s").isEqualTo(Verdict.KEEP);
        // Over until the burst leaves the trailing second (10.1 s): quiet from 10.0 s on.
        for (long t = 9200; t < 20_000; t += 100) {
            assertThat(at(t, 600)).as("at %d ms", t).isEqualTo(Verdict.KEEP);
        }
        assertThat(at(20_000, 600)).isEqualTo(Verdict.RESTORE);
    }

    @Test
    void aBudgetLargerThanItsWindowIsRefused() {
        assertThatThrownBy(() -> new CpuBudget(100, 200, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("budget 200 ns");
    }
}
