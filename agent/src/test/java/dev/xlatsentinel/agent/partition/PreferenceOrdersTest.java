package dev.xlatsentinel.agent.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What {@link PreferenceOrders} guarantees, checked for every number of gateways N from 2 to
 * 8 with every number of parts P from N to 64, and for N from 2 to 16 with P a power of two
 * up to 256.
 */
class PreferenceOrdersTest {

    @Test
    void everyOrderNamesEveryGatewayOnceAndFirstChoicesDifferByAtMostOne() {
        forEachLayout((gws, parts, orders) -> {
            Map<String, Integer> first = firstChoices(orders, Set.of(), gws);
            for (List<String> o : orders.values()) {
                assertThat(o).as("order").containsExactlyInAnyOrderElementsOf(gws);
            }
            int p = parts.size();
            int n = gws.size();
            assertThat(first.values()).as("first choices of %d parts over %d gateways", p, n)
                    .allSatisfy(c -> assertThat(c).isBetween(p / n, (p + n - 1) / n));
        });
    }

    @Test
    void aFailedGatewaysPartsSpreadEvenlyAndTheSurvivorsCarryWithinOneOfEachOther() {
        forEachLayout((gws, parts, orders) -> {
            for (String failed : gws) {
                Map<String, Integer> before = firstChoices(orders, Set.of(), gws);
                Map<String, Integer> after = firstChoices(orders, Set.of(failed), gws);
                int k = before.get(failed);
                int survivors = gws.size() - 1;
                for (String s : gws) {
                    if (s.equals(failed)) {
                        assertThat(after).doesNotContainKey(s);
                        continue;
                    }
                    int gained = after.get(s) - before.get(s);
                    assertThat(gained).as("%s's share of %s's %d parts (P=%d N=%d)", s, failed, k, parts.size(),
                            gws.size()).isBetween(k / survivors, (k + survivors - 1) / survivors);
                }
                assertThat(spread(after)).as("loads after %s failed (P=%d N=%d): %s", failed, parts.size(),
                        gws.size(), after).isLessThanOrEqualTo(1);
                // A part of a healthy gateway never moves.
                for (Map.Entry<String, List<String>> e : orders.entrySet()) {
                    if (!e.getValue().get(0).equals(failed)) {
                        assertThat(carrier(e.getValue(), Set.of(failed))).isEqualTo(e.getValue().get(0));
                    }
                }
            }
        });
    }

    /** Not a guarantee of the construction, but measured over the same range: two failures leave loads within two. */
    @Test
    void twoFailedGatewaysLeaveTheSurvivorsWithinTwoOfEachOther() {
        forEachLayout((gws, parts, orders) -> {
            if (gws.size() < 3) {
                return;
            }
            for (int i = 0; i < gws.size(); i++) {
                for (int j = i + 1; j < gws.size(); j++) {
                    Map<String, Integer> after = firstChoices(orders, Set.of(gws.get(i), gws.get(j)), gws);
                    assertThat(spread(after)).as("P=%d N=%d without %s, %s: %s", parts.size(), gws.size(),
                            gws.get(i), gws.get(j), after).isLessThanOrEqualTo(2);
                }
            }
        });
    }

    @Test
    void theOrdersDependOnTheNamesNotOnTheOrderTheyAreListedIn() {
        List<String> gws = List.of("gw1", "gw2", "gw3", "gw4", "gw5");
        List<String> parts = IntStream.range(0, 32).mapToObj(i -> "part" + i).toList();
        Map<String, List<String>> orders = PreferenceOrders.of(parts, gws);
        Random random = new Random(17);
        for (int round = 0; round < 5; round++) {
            List<String> g = new ArrayList<>(gws);
            List<String> p = new ArrayList<>(parts);
            Collections.shuffle(g, random);
            Collections.shuffle(p, random);
            assertThat(new HashMap<>(PreferenceOrders.of(p, g))).isEqualTo(orders);
        }
        // Another name is another plan.
        List<String> renamed = List.of("gw1", "gw2", "gw3", "gw4", "gw6");
        assertThat(PreferenceOrders.of(parts, renamed).values().stream().map(o -> o.get(0)).toList())
                .isNotEqualTo(orders.values().stream().map(o -> o.get(0)).toList());
    }

    @Test
    void twoGatewaysAndTwoHalvesGiveEachGatewayOneHalfAndTheOtherAsBackup() {
        Map<String, List<String>> o = PreferenceOrders.of(List.of("0.0.0.0/1", "128.0.0.0/1"), List.of("gw1", "gw2"));
        assertThat(o.get("0.0.0.0/1").get(0)).isNotEqualTo(o.get("128.0.0.0/1").get(0));
        assertThat(o.get("0.0.0.0/1").get(1)).isEqualTo(o.get("128.0.0.0/1").get(0));
    }

    @Test
    void aNameListedTwiceIsRefused() {
        assertThatThrownBy(() -> PreferenceOrders.of(List.of("p"), List.of("gw1", "gw1")))
                .hasMessageContaining("gateway 'gw1' is listed twice");
        assertThatThrownBy(() -> PreferenceOrders.of(List.of("p", "p"), List.of("gw1")))
                .hasMessageContaining("part 'p' is listed twice");
    }

    // ------------------------------------------------------------------ helpers

    interface Check {
        void check(List<String> gateways, List<String> parts, Map<String, List<String>> orders);
    }

    /** N = 2..8 with every P = N..64; N = 2..16 with P = N..256 in powers of two. */
    static void forEachLayout(Check check) {
        for (int n = 2; n <= 16; n++) {
            List<String> gws = IntStream.range(0, n).mapToObj(i -> "gw" + (char) ('a' + i)).toList();
            for (int p = n; p <= 256; p++) {
                if ((n > 8 || p > 64) && Integer.bitCount(p) != 1) {
                    continue;
                }
                List<String> parts = IntStream.range(0, p).mapToObj(i -> "part" + i).toList();
                check.check(gws, parts, ORDERS.computeIfAbsent(n + "/" + p, k -> PreferenceOrders.of(parts, gws)));
            }
        }
    }

    private static final Map<String, Map<String, List<String>>> ORDERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** How many parts each live gateway carries when {@code failed} are down. */
    static Map<String, Integer> firstChoices(Map<String, List<String>> orders, Set<String> failed, List<String> gws) {
        Map<String, Integer> count = new HashMap<>();
        for (String g : gws) {
            if (!failed.contains(g)) {
                count.put(g, 0);
            }
        }
        for (List<String> o : orders.values()) {
            count.merge(carrier(o, failed), 1, Integer::sum);
        }
        return count;
    }

    static String carrier(List<String> order, Set<String> failed) {
        return order.stream().filter(g -> !failed.contains(g)).findFirst().orElseThrow();
    }

    static int spread(Map<String, Integer> loads) {
        return Collections.max(loads.values()) - Collections.min(loads.values());
    }

    static Set<String> names(List<String> l) {
        return new HashSet<>(l);
    }
}
