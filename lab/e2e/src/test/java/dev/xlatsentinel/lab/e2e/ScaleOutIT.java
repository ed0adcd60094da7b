package dev.xlatsentinel.lab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.ScaleOutLab;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Scale-out the way stateful NAT64 needs it, in the lab with real TAYGA instances, agents and
 * BIRD running the rendered partition plan verbatim; hundreds of UDP flows, counted one by
 * one (a flow that changes gateway would break at a stateful translator). What must hold on
 * any machine: a killed translator's flows move where the plan sends them, and no other
 * flow loses a datagram or changes gateway. Plain ECMP on the same gateways is measured
 * beside it; the figures come from {@code lab/bench/scale-out}.
 */
class ScaleOutIT {

    /**
     * The seed's layout: two gateways, "lower" (0.0.0.0/1) and "upper" (128.0.0.0/1) each,
     * each gateway first for one half. The lower half's first instance dies: only the lower
     * half moves, to the other gateway's lower instance; the upper half loses nothing and
     * stays put, and the dead instance's sibling on the same gateway keeps its session Up.
     */
    @Test
    void inTheSeedsLayoutAKilledInstanceMovesOnlyItsHalf() {
        Lab lab = Lab.open("scaleout-seed");
        try (ScaleOutScenario s = ScaleOutScenario.start(lab, ScaleOutScenario.Layout.seed(),
                ScaleOutScenario.TOLERANT)) {
            ScaleOutLab.Instance lower = s.firstChoiceFor(0);
            ScaleOutLab.Instance upper = s.firstChoiceFor(128);
            assertThat(lower.name()).isEqualTo("lower");
            assertThat(upper.name()).isEqualTo("upper");
            assertThat(lower.gateway()).as("each gateway first for one half").isNotEqualTo(upper.gateway());
            ScaleOutLab.Instance sibling = s.lab().gateway(lower.gateway()).instances().stream()
                    .filter(in -> in.name().equals("upper")).findFirst().orElseThrow();

            ScaleOutScenario.Trial t = s.trial(List.of(lower), ScaleOutScenario.TrialSpec.LIGHT);
            FlowReport r = t.report();
            String what = r.summary() + "; routes after: " + t.routesAfter() + "\n" + details(s, t);
            assertThat(r.flows()).hasSizeGreaterThanOrEqualTo(200);
            assertThat(r.homeless()).as("every flow answered before the fault, " + what).isZero();
            assertThat(r.ofFailed()).as(what).isNotEmpty();
            assertThat(r.healthy()).as("the upper half's flows, " + what).isNotEmpty()
                    .allMatch(o -> o.home().equals(upper.label()));
            assertThat(r.healthyLostFlows()).as("upper half: nothing lost, " + what).isZero();
            assertThat(r.healthyMoved()).as("upper half: no flow changed gateway, " + what).isZero();
            String otherLower = s.lab().instances().stream()
                    .filter(in -> in.name().equals("lower") && !in.gateway().equals(lower.gateway()))
                    .findFirst().orElseThrow().label();
            assertThat(r.failedEndedAt()).as("lower half moved to the other lower instance, " + what)
                    .isEqualTo(Map.of(otherLower, r.ofFailed().size()));
            assertThat(t.asPlanned()).isEqualTo(r.ofFailed().size());
            assertThat(t.routesAfter().get("64:ff9b::8000:0/97")).containsExactly(upper.lanAddress());
            assertThat(t.checksumDrops()).as("no answer lost to TAYGA's zero checksum").isZero();
            // The broken instance took only its own session down: its sibling's is still Up at the router.
            assertThat(t.sessionsAfter()).as("sessions at the router after the fault")
                    .containsEntry(sibling.lanAddress(), "Up").doesNotContainEntry(lower.lanAddress(), "Up");
        }
        assertThat(lab.leftovers()).isEmpty();
    }

    /**
     * Three gateways, eight parts. One gateway's translator dies: its parts move to the other
     * two as the plan says, every other flow loses nothing and stays. Then plain ECMP on the
     * same gateways, the same kill: how many healthy flows the redrawn hash moved is measured
     * (Linux hashes multipath routes by threshold, RFC 2992, and a withdrawn next hop shifts
     * the others' regions).
     */
    @Test
    void threeGatewaysWithAPlanMoveOnlyTheFailedGatewaysPartsAndEcmpIsMeasuredBeside() {
        Lab lab = Lab.open("scaleout-three");
        try (ScaleOutScenario s = ScaleOutScenario.start(lab, ScaleOutScenario.Layout.threeGateways(),
                ScaleOutScenario.TOLERANT)) {
            ScaleOutLab.Instance gwa = s.lab().gateway("gwa").instances().get(0);
            ScaleOutScenario.Trial t = s.trial(List.of(gwa), ScaleOutScenario.TrialSpec.LIGHT);
            FlowReport r = t.report();
            String what = r.summary() + "; routes after: " + t.routesAfter() + "\n" + details(s, t);
            assertThat(r.flows()).hasSizeGreaterThanOrEqualTo(200);
            assertThat(r.homeless()).as(what).isZero();
            assertThat(r.ofFailed()).as(what).isNotEmpty();
            assertThat(r.healthyLostFlows()).as("healthy gateways' flows: nothing lost (late answers of a "
                    + "starved machine aside), " + what).isZero();
            assertThat(r.healthyMoved()).as("healthy gateways' flows: none moved, " + what).isZero();
            assertThat(t.asPlanned()).as("failed flows ended where the plan sends their part, " + what)
                    .isEqualTo(r.ofFailed().size());
            assertThat(r.failedEndedAt().keySet()).as(what).isEqualTo(Set.of("gwb", "gwc"));
            for (String part : s.plan().parts()) {
                assertThat(t.routesAfter().get(part)).as(part)
                        .containsExactly(s.plan().carrier(part, Set.of(gwa.lanAddress())));
            }
            assertThat(t.checksumDrops()).isZero();

            s.use(ScaleOutScenario.Routing.ECMP);
            ScaleOutScenario.Trial e = s.trial(List.of(gwa), ScaleOutScenario.TrialSpec.LIGHT);
            FlowReport er = e.report();
            String ewhat = er.summary();
            assertThat(er.homeless()).as(ewhat).isZero();
            assertThat(er.ofFailed()).as("ECMP put flows on gwa, " + ewhat).isNotEmpty();
            assertThat(er.failedEndedAt()).as("ECMP: gwa's flows recovered, " + ewhat).doesNotContainKey("nowhere");
            System.out.println("[scale-out] partitions: " + what);
            System.out.println("[scale-out] ECMP:       " + ewhat);
        }
        assertThat(lab.leftovers()).isEmpty();
    }

    /** For a failure message: a few healthy flows that lost or moved, and what the agents logged since 2 s before the fault. */
    static String details(ScaleOutScenario s, ScaleOutScenario.Trial t) {
        StringBuilder b = new StringBuilder();
        t.report().healthy().stream().filter(o -> o.lost() || o.moved()).limit(5)
                .forEach(o -> b.append(t.timeline(o.flow().id(), s::owner)).append('\n'));
        t.report().ofFailed().stream().limit(2).forEach(o -> b.append(t.timeline(o.flow().id(), s::owner)).append('\n'));
        return b + s.agentEvents(t.report().faultMicros() - 2_000_000);
    }
}
