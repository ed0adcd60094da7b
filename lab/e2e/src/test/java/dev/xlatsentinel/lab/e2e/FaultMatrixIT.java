package dev.xlatsentinel.lab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix: every fault at least once, with a precise UDP stream through the NAT64,
 * asserting what must hold on any machine (the route is withdrawn, traffic recovers through
 * the other gateway, the route returns after repair without a flap, nothing is left behind),
 * and today's setup beside it (the route is never withdrawn, traffic is lost until the
 * repair). Time bounds only tell "fast" from "never"; the figures come from
 * {@code lab/bench/failover}.
 */
class FaultMatrixIT {
    private static final Scenario.TrialSpec SPEC = Scenario.TrialSpec.of(Duration.ofMillis(300),
            Duration.ofMillis(1500));
    /** "Never" here means: traffic did not come back within the stream after the fault. */
    private static final double NEVER_MS = 1500;

    @Test
    void withTheAgentEveryFaultIsWithdrawnRecoveredAndRepairedWithoutAFlap() {
        Lab lab = Lab.open("fault-matrix");
        String prefix = lab.prefix();
        try (Scenario s = Scenario.start(lab, Scenario.Mode.AGENT, Nat64Lab.AgentTuning.TOLERANT,
                Nat64Lab.RouterBfd.DEFAULT, false)) {
            for (Fault f : faults()) {
                Trial t = s.trial(f, SPEC);
                String what = f.label() + ": " + t.timeline().render(t.faultMicros()) + "route changes: "
                        + t.routeEvents();
                assertThat(t.routeMovedMicros()).as("route withdrawn from the primary, " + what).isPositive();
                assertThat(t.firstBackupMicros()).as("traffic through the backup, " + what).isPositive();
                assertThat(t.lossMs()).as("loss window, " + what).isLessThan(NEVER_MS);
                assertThat(t.routeBackMicros()).as("route back after repair, " + what).isPositive();
                assertThat(t.routeChangesAfterBack()).as("no flap after the repair, " + what).isZero();
                if (f.planned()) {
                    assertThat(t.lostAfterFault()).as("planned: next to nothing lost, " + what).isLessThan(100);
                }
            }
        }
        assertNothingLeft(lab, prefix);
    }

    @Test
    void todaysSetupNeverWithdrawsABrokenTranslatorAndLosesTrafficUntilTheRepair() {
        Lab lab = Lab.open("fault-baseline");
        String prefix = lab.prefix();
        Scenario.TrialSpec spec = new Scenario.TrialSpec(Duration.ofMillis(1), Duration.ofMillis(300),
                Duration.ofMillis(1700), Duration.ofMillis(1000));
        try (Scenario s = Scenario.start(lab, Scenario.Mode.BASELINE, Nat64Lab.AgentTuning.TOLERANT,
                Nat64Lab.RouterBfd.DEFAULT, false)) {
            for (Fault f : List.of(Fault.TAYGA_KILLED, Fault.TUN_DOWN)) {
                Trial t = s.trial(f, spec);
                String what = f.label() + ": " + t.timeline().render(t.faultMicros());
                assertThat(t.routeMovedMicros()).as("route never withdrawn, " + what).isZero();
                assertThat(t.firstBackupMicros()).as("nothing through the backup, " + what).isZero();
                // Lost from the fault until the repair one second later, not recovered before.
                assertThat(t.lossMs()).as("lost until the repair, " + what).isGreaterThanOrEqualTo(950);
            }
        }
        assertNothingLeft(lab, prefix);
    }

    /** All faults, or those named in -Dfaults=DRAIN,TAYGA_KILLED (for a quick rerun). */
    private static List<Fault> faults() {
        String only = System.getProperty("faults");
        return only == null ? List.of(Fault.values())
                : java.util.Arrays.stream(only.split(",")).map(Fault::valueOf).toList();
    }

    private static void assertNothingLeft(Lab lab, String prefix) {
        assertThat(lab.leftovers()).isEmpty();
        Cmd.Result procs = Cmd.exec(List.of("pgrep", "-f", "/tmp/" + prefix + "-"));
        assertThat(procs.stdout()).as("processes of the lab still running").isBlank();
    }
}
