package dev.xlatsentinel.lab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.UpstreamRouter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The failover scenario in front of each router of the matrix other than the default (Debian
 * 12's BIRD 2, which {@link FaultMatrixIT} runs through every fault): a killed translator on
 * the primary moves the traffic to the backup and back after the repair, and a drain moves it
 * with next to nothing lost. Time bounds only tell "fast" from "never"; the per-router loss
 * windows are measured by {@code lab/demo --router} under the exclusive lock
 * (docs/failover.md).
 */
class RouterFailoverIT {
    private static final Scenario.TrialSpec SPEC = Scenario.TrialSpec.of(Duration.ofMillis(300),
            Duration.ofMillis(1500));

    @ParameterizedTest
    @EnumSource(value = UpstreamRouter.Kind.class, names = {"BIRD2_17", "BIRD3", "FRR10"})
    void aKilledTranslatorAndADrainMoveTheTrafficAtThisRouter(UpstreamRouter.Kind router) {
        Lab lab = Lab.open("router-failover");
        try (Scenario s = Scenario.start(lab, Scenario.Mode.AGENT, Nat64Lab.AgentTuning.TOLERANT,
                Nat64Lab.RouterBfd.DEFAULT, false, router)) {
            for (Fault f : List.of(Fault.TAYGA_KILLED, Fault.DRAIN)) {
                Trial t = s.trial(f, SPEC);
                String what = router.label() + ", " + f.label() + ": " + t.timeline().render(t.faultMicros())
                        + "route changes: " + t.routeEvents();
                assertThat(t.routeMovedMicros()).as("route withdrawn from the primary, " + what).isPositive();
                assertThat(t.firstBackupMicros()).as("traffic through the backup, " + what).isPositive();
                assertThat(t.lossMs()).as("loss window, " + what).isLessThan(SPEC.after().toMillis());
                assertThat(t.routeBackMicros()).as("route back after repair, " + what).isPositive();
                assertThat(t.routeChangesAfterBack()).as("no flap after the repair, " + what).isZero();
                if (f.planned()) {
                    assertThat(t.lostAfterFault()).as("planned: next to nothing lost, " + what).isLessThan(100);
                }
            }
        }
        assertThat(lab.leftovers()).isEmpty();
    }
}
