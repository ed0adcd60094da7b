package dev.xlatsentinel.lab.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The partition plan as the router was given it: read back from the BIRD config that
 * {@code render-router-config} wrote (one static protocol per preference level,
 * {@code xlat_partitions_1} the first choices), so the lab checks the traffic against what
 * the router runs, not against a second copy of the plan.
 */
public record RenderedPlan(Map<String, List<String>> orders) {
    private static final Pattern PROTOCOL = Pattern.compile("^protocol static xlat_partitions_(\\d+) \\{");
    private static final Pattern ROUTE = Pattern.compile("^\\s*route (\\S+) via (\\S+) bfd;");

    /** Each part's next hops, most preferred first, from a rendered BIRD config. */
    public static RenderedPlan parse(String birdConf) {
        Map<String, TreeMap<Integer, String>> byRank = new LinkedHashMap<>();
        int rank = -1;
        for (String line : birdConf.split("\n")) {
            Matcher p = PROTOCOL.matcher(line);
            if (p.find()) {
                rank = Integer.parseInt(p.group(1));
                continue;
            }
            if (line.startsWith("}")) {
                rank = -1;
                continue;
            }
            Matcher r = ROUTE.matcher(line);
            if (rank > 0 && r.find()) {
                byRank.computeIfAbsent(r.group(1), k -> new TreeMap<>()).put(rank, r.group(2));
            }
        }
        if (byRank.isEmpty()) {
            throw new IllegalArgumentException("no xlat_partitions protocol in the rendered config");
        }
        Map<String, List<String>> orders = new LinkedHashMap<>();
        byRank.forEach((part, m) -> orders.put(part, List.copyOf(m.values())));
        return new RenderedPlan(orders);
    }

    public List<String> parts() {
        return new ArrayList<>(orders.keySet());
    }

    public String first(String part) {
        return orders.get(part).get(0);
    }

    /** The next hop that carries {@code part} while the next hops in {@code failed} are down. */
    public String carrier(String part, Set<String> failed) {
        return orders.get(part).stream().filter(h -> !failed.contains(h)).findFirst().orElse(null);
    }
}
