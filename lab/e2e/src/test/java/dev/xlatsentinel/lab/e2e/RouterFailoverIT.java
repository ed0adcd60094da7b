package dev.xlatsentinel.lab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.UpstreamRouter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The failover scenario in front of each router of the matrix other than the default (Debian
 * 12's BIRD 2, which {@link FaultMatrixIT} runs through every fault): a killed translator on
 * the primary moves the traffic to the backup and back after the repair, and a drain moves it
 * with next to nothing lost; one lab whose router is replaced between rounds. Time bounds only tell "fast" from "never"; the per-router loss
 * windows are measured by {@code lab/demo --router} under the exclusive lock
 * (docs/failover.md).
 */
class RouterFailoverIT {
    private static final Scenario.TrialSpec SPEC = Scenario.TrialSpec.of(Duration.ofMillis(300),
            Duration.ofMillis(1500));
    /** A drain starts the CLI's JVM, which on a busy 2-core machine took 2 s: a longer stream. */
    private static final Scenario.TrialSpec DRAIN_SPEC = Scenario.TrialSpec.of(Duration.ofMillis(300),
            Duration.ofMillis(4000));

    @Test
    void aKilledTranslatorAndADrainMoveTheTrafficAtEachRouter() {
        Lab lab = Lab.open("router-failover");
        List<UpstreamRouter.Kind> routers = List.of(UpstreamRouter.Kind.BIRD2_17, UpstreamRouter.Kind.BIRD3,
                UpstreamRouter.Kind.FRR10);
        // One lab and one pair of agents; the router in front of them is replaced between rounds.
        try (Scenario s = Scenario.start(lab, Scenario.Mode.AGENT, Nat64Lab.AgentTuning.TOLERANT,
                Nat64Lab.RouterBfd.DEFAULT, false, routers.get(0))) {
            for (UpstreamRouter.Kind router : routers) {
                if (s.lab().upstream().kind() != router) {
                    s.lab().replaceRouter(router);
                    s.awaitSteady();
                }
                for (Fault f : List.of(Fault.TAYGA_KILLED, Fault.DRAIN)) {
                    Scenario.TrialSpec spec = f == Fault.DRAIN ? DRAIN_SPEC : SPEC;
                    Trial t = s.trial(f, spec);
                    String what = router.label() + ", " + f.label() + ": " + t.timeline().render(t.faultMicros())
                            + "route changes: " + t.routeEvents();
                    assertThat(t.routeMovedMicros()).as("route withdrawn from the primary, " + what).isPositive();
                    assertThat(t.firstBackupMicros()).as("traffic through the backup, " + what).isPositive();
                    assertThat(t.lossMs()).as("loss window, " + what).isLessThan(spec.after().toMillis());
                    assertThat(t.routeBackMicros()).as("route back after repair, " + what).isPositive();
                    assertThat(t.routeChangesAfterBack()).as("no flap after the repair, " + what).isZero();
                    if (f.planned()) {
                        assertThat(t.lostAfterFault()).as("planned: next to nothing lost, " + what).isLessThan(100);
                    }
                }
            }
        }
        assertThat(lab.leftovers()).isEmpty();
    }
}
