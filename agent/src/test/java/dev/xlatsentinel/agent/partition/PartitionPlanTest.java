package dev.xlatsentinel.agent.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.agent.partition.Nat64Split.Ipv4Block;
import dev.xlatsentinel.agent.partition.PartitionPlan.NextHop;
import dev.xlatsentinel.agent.partition.PartitionPlan.PartRoute;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionPlanTest {
    static final Nat64Split WKP = Nat64Split.of("64:ff9b::/96");

    static NextHop hop(String gw, String address, String destinations) {
        return new NextHop(gw, address, Ipv4Block.parse(destinations));
    }

    /** The seed's layout: two gateways, lower and upper instance each. */
    static PartitionPlan seed() {
        Map<String, List<NextHop>> gws = new LinkedHashMap<>();
        gws.put("gw1", List.of(hop("gw1", "2001:db8:ff::a1", "0.0.0.0/1"), hop("gw1", "2001:db8:ff::a2", "128.0.0.0/1")));
        gws.put("gw2", List.of(hop("gw2", "2001:db8:ff::b1", "0.0.0.0/1"), hop("gw2", "2001:db8:ff::b2", "128.0.0.0/1")));
        return PartitionPlan.of(WKP, 2, gws);
    }

    @Test
    void inTheSeedsLayoutEachGatewayLeadsOneHalfThroughTheInstanceForItAndBacksUpTheOther() {
        PartitionPlan plan = seed();
        PartRoute lower = plan.parts().get(0);
        PartRoute upper = plan.parts().get(1);
        assertThat(lower.part().ipv6()).isEqualTo("64:ff9b::/97");
        assertThat(lower.order()).extracting(NextHop::address).allMatch(a -> a.endsWith("1"));
        assertThat(upper.order()).extracting(NextHop::address).allMatch(a -> a.endsWith("2"));
        assertThat(lower.first().gateway()).isNotEqualTo(upper.first().gateway());
        assertThat(plan.carried(Set.of())).containsEntry("gw1", 1).containsEntry("gw2", 1);
        // One gateway down: the other carries both halves, each through its own instance.
        assertThat(lower.carrier(Set.of(lower.first().gateway())).gateway()).isEqualTo(upper.first().gateway());
    }

    @Test
    void threeGatewaysInEightPartsLeadThreeThreeAndTwoAndAFailedOnesPartsSplitBetweenTheOthers() {
        Map<String, List<NextHop>> gws = new LinkedHashMap<>();
        for (String g : List.of("gwa", "gwb", "gwc")) {
            gws.put(g, List.of(hop(g, "2001:db8:ff::" + g.charAt(2), "0.0.0.0/0")));
        }
        PartitionPlan plan = PartitionPlan.of(WKP, 8, gws);
        assertThat(plan.carried(Set.of()).values()).containsExactlyInAnyOrder(3, 3, 2);
        for (String failed : gws.keySet()) {
            Map<String, Integer> after = plan.carried(Set.of(failed));
            assertThat(after.get(failed)).isZero();
            assertThat(after.values().stream().filter(v -> v > 0)).containsExactly(4, 4);
        }
        assertThat(plan.describe()).contains(
                "Partition plan: 64:ff9b::/96 in 8 parts by IPv4 destination over 3 gateways (docs/scale-out.md).");
    }

    @Test
    void aGatewayWithoutANextHopForAPartIsRefused() {
        Map<String, List<NextHop>> gws = new LinkedHashMap<>();
        gws.put("gw1", List.of(hop("gw1", "2001:db8:ff::a1", "0.0.0.0/1")));
        gws.put("gw2", List.of(hop("gw2", "2001:db8:ff::b", "0.0.0.0/0")));
        assertThatThrownBy(() -> PartitionPlan.of(WKP, 2, gws))
                .hasMessage("gateway gw1 has 0 next hops for IPv4 destinations 128.0.0.0/1 (needs exactly one)");
        assertThatThrownBy(() -> PartitionPlan.of(WKP, 1, gws)).hasMessage("1 parts cannot give each of 2 gateways one");
    }
}
