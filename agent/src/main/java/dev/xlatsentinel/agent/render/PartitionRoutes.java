package dev.xlatsentinel.agent.render;

import dev.xlatsentinel.agent.config.BfdSessionConfig;
import dev.xlatsentinel.agent.partition.PartitionPlan;
import java.util.List;
import java.util.function.Function;

/**
 * A partition plan as router config: every part routed to every gateway's next hop for it,
 * each route tracked by BFD, the gateways preferred in the part's order. BIRD gets one static
 * protocol per position in the orders (first choices at preference 200, second at 190, ...;
 * a static protocol carries one preference, and holds each prefix once); FRR gets each
 * route with an administrative distance (first choices 10, second 20, ...). The plan in
 * words leads the output as comments.
 */
final class PartitionRoutes {
    /** BIRD preference of the first choices (BIRD's default for static routes); each later choice is one step lower. */
    static final int BIRD_FIRST_PREFERENCE = 200;
    static final int BIRD_PREFERENCE_STEP = 10;
    /** FRR distance of the first choices; each later choice is one step higher. */
    static final int FRR_FIRST_DISTANCE = 10;
    static final int FRR_DISTANCE_STEP = 10;

    private PartitionRoutes() {
    }

    /**
     * @param session the session that stands for a part's routes: this gateway's session to
     *                its next hop for the part (every gateway of a plan runs the same timers)
     */
    static void bird(StringBuilder b, PartitionPlan plan, Function<PartitionPlan.PartRoute, BfdSessionConfig> session) {
        b.append('\n');
        comments(b, plan.describe(), "# ");
        int choices = plan.gateways().size();
        for (int rank = 0; rank < choices; rank++) {
            b.append("protocol static xlat_partitions_").append(rank + 1).append(" {\n");
            b.append("  ipv6 { preference ").append(BIRD_FIRST_PREFERENCE - rank * BIRD_PREFERENCE_STEP)
                    .append("; };\n");
            for (PartitionPlan.PartRoute r : plan.parts()) {
                PartitionPlan.NextHop h = r.order().get(rank);
                b.append("  route ").append(r.part().ipv6()).append(" via ").append(h.address()).append(" bfd;");
                b.append(session.apply(r).multihop() ? " # " + h.gateway() + "; multihop: BIRD uses its `multihop` block\n"
                        : " # " + h.gateway() + "\n");
            }
            b.append("}\n");
        }
    }

    /**
     * @param profile the BFD profile for a part's routes (that of {@code session}'s timers)
     */
    static void frr(StringBuilder b, PartitionPlan plan, Function<PartitionPlan.PartRoute, BfdSessionConfig> session,
            Function<PartitionPlan.PartRoute, String> profile) {
        comments(b, plan.describe(), "! ");
        for (PartitionPlan.PartRoute r : plan.parts()) {
            // A comment is a line of its own: FRR 10 refuses "! ..." after a command.
            b.append("! part ").append(r.part().ipv6()).append(" (IPv4 ").append(r.part().ipv4()).append(")\n");
            BfdSessionConfig s = session.apply(r);
            for (int rank = 0; rank < r.order().size(); rank++) {
                PartitionPlan.NextHop h = r.order().get(rank);
                b.append("ipv6 route ").append(r.part().ipv6()).append(' ').append(h.address()).append(' ')
                        .append(FRR_FIRST_DISTANCE + rank * FRR_DISTANCE_STEP).append(" bfd");
                if (s.multihop()) {
                    b.append(" multi-hop source ").append(s.peer());
                }
                b.append(" profile ").append(profile.apply(r)).append('\n');
            }
        }
    }

    /**
     * The plan's last resort (docs/failover.md, "never the last one"): the whole NAT64 prefix
     * via every next hop of every gateway, without BFD, at {@code preference}. The parts are
     * longer prefixes, so the kernel uses it only for a part whose tracked routes are all
     * withdrawn, and then over every gateway. It is a prefix of its own on purpose: with a
     * distance-250 route to a part's own prefix via the same next hop, FRR 10.3 kept no BFD
     * session at all (router matrix: "Session count: 0", every route installed untracked;
     * FRRouting/frr issue 19014 shows bfdd dropping a next hop's shared session when one
     * route via it loses {@code bfd}). A gateway steers
     * by destination (the seed's iptables rules, the lab's routes), so any of its next hops
     * takes any part.
     */
    static void birdLastResort(StringBuilder b, PartitionPlan plan, int preference) {
        b.append("protocol static xlat_partitions_last_resort {\n");
        b.append("  ipv6 { preference ").append(preference).append("; };\n");
        b.append("  route ").append(plan.prefix());
        allNextHops(plan).forEach(h -> b.append(" via ").append(h));
        b.append(";\n}\n");
    }

    /** The same for FRR: the plan's prefix via each next hop at {@code distance}. */
    static void frrLastResort(StringBuilder b, PartitionPlan plan, int distance) {
        allNextHops(plan).forEach(h -> b.append("ipv6 route ").append(plan.prefix()).append(' ').append(h).append(' ')
                .append(distance).append('\n'));
    }

    private static List<String> allNextHops(PartitionPlan plan) {
        return plan.gateways().stream().flatMap(g -> plan.nextHops(g).stream()).map(PartitionPlan.NextHop::address)
                .toList();
    }

    private static void comments(StringBuilder b, List<String> lines, String mark) {
        for (String l : lines) {
            b.append(mark).append(l).append('\n');
        }
    }
}
