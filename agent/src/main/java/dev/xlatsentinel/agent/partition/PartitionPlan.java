package dev.xlatsentinel.agent.partition;

import dev.xlatsentinel.agent.partition.Nat64Split.Ipv4Block;
import dev.xlatsentinel.agent.partition.Nat64Split.Part;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which gateway the router prefers for each part of the NAT64 prefix, and which next hop of
 * that gateway: the parts of {@link Nat64Split}, each with the gateways in the order of
 * {@link PreferenceOrders}, each gateway stood for by its next hop whose IPv4 destinations
 * hold the part (one next hop per translator instance: the seed's "lower" for 0.0.0.0/1 and
 * "upper" for 128.0.0.0/1). A part's route goes to every gateway, tracked by BFD; the router
 * uses the most preferred next hop whose session is Up, so a broken instance moves only its
 * own parts, and a healthy gateway's parts never move.
 */
public final class PartitionPlan {
    /** The most gateways a plan takes (the router gets one preference level per gateway). */
    public static final int MAX_GATEWAYS = 16;
    /** Multicast (RFC 5771) and reserved (RFC 1112 §4) destinations: a translator sees no unicast flow there. */
    private static final Ipv4Block MULTICAST_AND_RESERVED = new Ipv4Block(224, 3);

    /** A next hop: the address the router routes to, on {@code gateway}, translating {@code destinations}. */
    public record NextHop(String gateway, String address, Ipv4Block destinations) {
    }

    /** One part and its next hops, most preferred first (one per gateway). */
    public record PartRoute(Part part, List<NextHop> order) {
        public NextHop first() {
            return order.get(0);
        }

        /** The next hop the router uses while the gateways in {@code failed} are down. */
        public NextHop carrier(Set<String> failed) {
            return order.stream().filter(h -> !failed.contains(h.gateway())).findFirst().orElse(null);
        }
    }

    private final Nat64Split split;
    private final Map<String, List<NextHop>> gateways;
    private final List<PartRoute> parts;

    private PartitionPlan(Nat64Split split, Map<String, List<NextHop>> gateways, List<PartRoute> parts) {
        this.split = split;
        this.gateways = gateways;
        this.parts = parts;
    }

    /**
     * @param split    the NAT64 prefix
     * @param count    how many parts (a power of two, at least one per gateway)
     * @param gateways each gateway's next hops; every part must lie in the destinations of
     *                 exactly one next hop of each gateway
     * @throws IllegalArgumentException naming what does not fit (a config is checked field
     *                                  by field before it gets here)
     */
    public static PartitionPlan of(Nat64Split split, int count, Map<String, List<NextHop>> gateways) {
        if (gateways.size() < 2 || gateways.size() > MAX_GATEWAYS) {
            throw new IllegalArgumentException("a plan has 2 to " + MAX_GATEWAYS + " gateways, not " + gateways.size());
        }
        if (count < gateways.size()) {
            throw new IllegalArgumentException(count + " parts cannot give each of " + gateways.size()
                    + " gateways one");
        }
        List<Part> ps = split.parts(count);
        Map<String, List<String>> orders = PreferenceOrders.of(ps.stream().map(p -> p.ipv4().toString()).toList(),
                gateways.keySet());
        List<PartRoute> routes = new ArrayList<>();
        for (Part p : ps) {
            List<NextHop> order = new ArrayList<>();
            for (String g : orders.get(p.ipv4().toString())) {
                order.add(holding(g, gateways.get(g), p));
            }
            routes.add(new PartRoute(p, List.copyOf(order)));
        }
        Map<String, List<NextHop>> copy = new LinkedHashMap<>();
        gateways.forEach((g, hops) -> copy.put(g, List.copyOf(hops)));
        return new PartitionPlan(split, java.util.Collections.unmodifiableMap(copy), List.copyOf(routes));
    }

    private static NextHop holding(String gateway, List<NextHop> hops, Part p) {
        List<NextHop> holding = hops.stream().filter(h -> h.destinations().contains(p.ipv4())).toList();
        if (holding.size() != 1) {
            throw new IllegalArgumentException("gateway " + gateway + " has " + holding.size()
                    + " next hops for IPv4 destinations " + p.ipv4() + " (needs exactly one)");
        }
        return holding.get(0);
    }

    /** The NAT64 prefix the plan shares. */
    public String prefix() {
        return split.prefix();
    }

    public Nat64Split split() {
        return split;
    }

    /** The gateways' names, as listed. */
    public List<String> gateways() {
        return List.copyOf(gateways.keySet());
    }

    public List<NextHop> nextHops(String gateway) {
        return gateways.getOrDefault(gateway, List.of());
    }

    /** The next hop with this (canonical) address, on whichever gateway. */
    public Optional<NextHop> nextHop(String address) {
        return gateways.values().stream().flatMap(List::stream).filter(h -> h.address().equals(address)).findFirst();
    }

    /** The parts, lowest IPv4 destinations first. */
    public List<PartRoute> parts() {
        return parts;
    }

    /** How many parts each gateway carries while those in {@code failed} are down (all gateways listed). */
    public Map<String, Integer> carried(Set<String> failed) {
        Map<String, Integer> load = new LinkedHashMap<>();
        gateways.keySet().forEach(g -> load.put(g, 0));
        for (PartRoute r : parts) {
            NextHop h = r.carrier(failed);
            if (h != null) {
                load.merge(h.gateway(), 1, Integer::sum);
            }
        }
        return load;
    }

    /**
     * The plan in words, one line each, for a router config's comments: a table of the parts
     * (IPv6 prefix, IPv4 destinations, next hops in order), each gateway's share, and where
     * each gateway's parts go when it fails.
     */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Partition plan: %s in %d parts by IPv4 destination over %d gateways "
                + "(docs/scale-out.md).", prefix(), parts.size(), gateways.size()));
        lines.add("Each part is routed to every gateway, tracked by BFD, in the order below; the router uses the");
        lines.add("first whose session is Up, so a failure moves only the failed next hop's parts.");
        int width = parts.stream().mapToInt(r -> r.part().ipv6().length()).max().orElse(0);
        lines.add(String.format(Locale.ROOT, "%-" + width + "s  %-12s  %s", "part", "IPv4", "next hops, most "
                + "preferred first"));
        for (PartRoute r : parts) {
            List<String> hops = r.order().stream().map(h -> h.gateway() + " " + h.address()).toList();
            lines.add(String.format(Locale.ROOT, "%-" + width + "s  %-12s  %s", r.part().ipv6(), r.part().ipv4(),
                    String.join(", ", hops)));
        }
        Map<String, Integer> share = carried(Set.of());
        lines.add("First choice for: " + counts(share) + ".");
        List<String> dead = parts.stream().filter(r -> MULTICAST_AND_RESERVED.contains(r.part().ipv4()))
                .map(r -> r.part().ipv6() + " (" + r.first().gateway() + ")").toList();
        if (!dead.isEmpty()) {
            lines.add("No unicast traffic (IPv4 224.0.0.0/3 is multicast and reserved): " + String.join(", ", dead) + ".");
        }
        for (String g : gateways.keySet()) {
            List<NextHop> hops = gateways.get(g);
            lines.add(failure(g, g, r -> r.first().gateway().equals(g)));
            if (hops.size() > 1) {
                for (NextHop h : hops) {
                    lines.add(failure(g + "'s " + h.address() + " (" + h.destinations() + ")", g,
                            r -> r.first().equals(h)));
                }
            }
        }
        return lines;
    }

    /**
     * "If X fails, its N parts go to gwb 1, gwc 2; no other part moves": the parts for which
     * {@code gone} holds (X's first choices) go to their next gateway after {@code gateway}.
     * A part's order has one next hop per gateway, so a failed instance and a failed gateway
     * send it to the same place.
     */
    private String failure(String what, String gateway, java.util.function.Predicate<PartRoute> gone) {
        Map<String, Integer> moved = new LinkedHashMap<>();
        gateways.keySet().stream().filter(g -> !g.equals(gateway)).forEach(g -> moved.put(g, 0));
        int own = 0;
        for (PartRoute r : parts) {
            if (gone.test(r)) {
                own++;
                moved.merge(r.carrier(Set.of(gateway)).gateway(), 1, Integer::sum);
            }
        }
        if (own == 0) {
            return "If " + what + " fails, no part moves (it is first for none).";
        }
        return "If " + what + " fails, its " + own + (own == 1 ? " part goes" : " parts go") + " to " + counts(moved)
                + "; no other part moves.";
    }

    private static String counts(Map<String, Integer> m) {
        List<String> out = new ArrayList<>();
        m.forEach((g, n) -> out.add(g + " " + n));
        return String.join(", ", out);
    }
}
