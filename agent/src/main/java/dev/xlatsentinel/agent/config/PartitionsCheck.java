package dev.xlatsentinel.agent.config;

import dev.xlatsentinel.agent.partition.Nat64Split;
import dev.xlatsentinel.agent.partition.Nat64Split.Ipv4Block;
import dev.xlatsentinel.agent.partition.PartitionPlan;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of {@code partitions:}: each field on its own, then the plan as a whole (every
 * part has one next hop on each gateway), then this gateway against it: exactly one gateway
 * of the plan is this one (its next hops are local addresses of this config's native BFD
 * sessions), each of its next hops belongs to one service, and that service's
 * {@code prefixes} are the part of the NAT64 prefix the next hop translates, so the router
 * tracks exactly the sessions this agent holds Down when an instance breaks. (The rendered
 * routes take their BFD timers from those sessions; services with FRR peers instead are not
 * supported in a plan.)
 */
public final class PartitionsCheck {
    private static final Pattern GATEWAY = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** What the checks found: the errors (paths from the top of the file), and the plan when there are none. */
    public record Result(List<ConfigError> errors, PartitionPlan plan, String self, Set<String> services) {
    }

    private final List<ConfigError> errors = new ArrayList<>();

    private PartitionsCheck() {
    }

    /**
     * The plan of a config that passed every check ({@code ConfigLoader.load}), or null when it has none.
     *
     * @throws IllegalStateException if the config has errors in its plan
     */
    public static PartitionPlan plan(AgentConfig c) {
        Result r = check(c);
        if (!r.errors().isEmpty()) {
            throw new IllegalStateException("partitions: " + r.errors());
        }
        return r.plan();
    }

    /**
     * The services whose next hops the plan routes (rendered as the plan's parts, not on their
     * own); empty without a plan.
     */
    public static Set<String> servicesInPlan(AgentConfig c) {
        return check(c).services();
    }

    public static Result check(AgentConfig c) {
        PartitionsCheck v = new PartitionsCheck();
        if (c.partitions() == null) {
            return new Result(List.of(), null, null, Set.of());
        }
        PartitionPlan plan = v.plan(c.partitions());
        if (plan == null) {
            return new Result(List.copyOf(v.errors), null, null, Set.of());
        }
        Set<String> services = new LinkedHashSet<>();
        String self = v.againstServices(plan, c.services(), services);
        return new Result(List.copyOf(v.errors), v.errors.isEmpty() ? plan : null, self, Set.copyOf(services));
    }

    private void error(String path, String message) {
        errors.add(new ConfigError(path, message));
    }

    /** The fields, then the plan; null after any error. */
    private PartitionPlan plan(PartitionsConfig p) {
        int before = errors.size();
        Nat64Split split = null;
        if (p.prefix() == null) {
            error("partitions.prefix", "missing (the NAT64 prefix the gateways share, e.g. 64:ff9b::/96)");
        } else {
            try {
                split = Nat64Split.of(p.prefix());
            } catch (IllegalArgumentException e) {
                error("partitions.prefix", e.getMessage());
            }
        }
        int gateways = p.gateways().size();
        if (p.parts() == null) {
            error("partitions.parts", "missing (how many parts: a power of two, at least one per gateway)");
        } else if (p.parts() < 2 || p.parts() > Nat64Split.MAX_PARTS || Integer.bitCount(p.parts()) != 1) {
            error("partitions.parts", "must be a power of two from 2 to " + Nat64Split.MAX_PARTS
                    + " (each part is one prefix), got " + p.parts());
        } else if (p.parts() < gateways) {
            error("partitions.parts", p.parts() + " parts cannot give each of " + gateways + " gateways one; use "
                    + Integer.highestOneBit(gateways * 2 - 1) + " or more");
        }
        if (gateways < 2 || gateways > PartitionPlan.MAX_GATEWAYS) {
            error("partitions.gateways", "a plan shares the prefix among 2 to " + PartitionPlan.MAX_GATEWAYS
                    + " gateways, this one lists " + gateways);
        }
        Map<String, List<PartitionPlan.NextHop>> hops = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        p.gateways().forEach((name, list) -> {
            String path = "partitions.gateways." + name;
            if (!GATEWAY.matcher(name).matches()) {
                error(path, "a gateway's name is 1-32 letters, digits, '_' or '-'");
            }
            if (list == null || list.isEmpty()) {
                error(path, "no next hop (give each translator instance's address the router routes to)");
                return;
            }
            List<PartitionPlan.NextHop> built = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                PartitionPlan.NextHop h = nextHop(path + "[" + i + "]", name, list.get(i), seen);
                if (h != null) {
                    for (PartitionPlan.NextHop other : built) {
                        if (other.destinations().overlaps(h.destinations())) {
                            error(path + "[" + i + "].destinations", h.destinations() + " overlaps "
                                    + other.destinations() + " of " + other.address() + " (each IPv4 destination "
                                    + "goes to one translator instance)");
                        }
                    }
                    built.add(h);
                }
            }
            hops.put(name, built);
        });
        if (errors.size() > before) {
            return null;
        }
        int bits = Integer.numberOfTrailingZeros(p.parts());
        Nat64Split nat64 = split;
        hops.forEach((name, list) -> {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).destinations().length() > bits) {
                    error("partitions.gateways." + name + "[" + i + "].destinations", list.get(i).destinations()
                            + " is narrower than a part (/" + bits + " for " + p.parts() + " parts): use "
                            + (1 << list.get(i).destinations().length()) + " parts or more");
                }
            }
            for (Nat64Split.Part part : nat64.parts(p.parts())) {
                if (list.stream().noneMatch(h -> h.destinations().contains(part.ipv4()))) {
                    error("partitions.gateways." + name, "no next hop translates IPv4 destinations " + part.ipv4()
                            + " (every gateway needs one for every part)");
                    break;
                }
            }
        });
        if (errors.size() > before) {
            return null;
        }
        return PartitionPlan.of(split, p.parts(), hops);
    }

    private PartitionPlan.NextHop nextHop(String path, String gateway, PartitionsConfig.NextHop h,
            Map<String, String> seen) {
        if (h == null) {
            error(path, "empty next hop");
            return null;
        }
        String address = null;
        if (h.nextHop() == null) {
            error(path + ".nextHop", "missing (the address the router routes to: a BFD session's local address "
                    + "on that gateway)");
        } else {
            InetAddress a = ConfigValidator.literal(h.nextHop());
            if (!(a instanceof Inet6Address)) {
                error(path + ".nextHop", "'" + h.nextHop() + "' is not an IPv6 address (the next hop of a route "
                        + "to the NAT64 prefix)");
            } else {
                address = canonical(h.nextHop());
                String other = seen.putIfAbsent(address, path);
                if (other != null) {
                    error(path + ".nextHop", address + " is already " + other);
                }
            }
        }
        Ipv4Block destinations = Ipv4Block.ALL;
        if (h.destinations() != null) {
            try {
                destinations = Ipv4Block.parse(h.destinations());
            } catch (IllegalArgumentException e) {
                error(path + ".destinations", e.getMessage());
                return null;
            }
        }
        return address == null ? null : new PartitionPlan.NextHop(gateway, address, destinations);
    }

    /**
     * Finds this gateway in the plan and checks its services against it; adds the services
     * the plan routes to {@code inPlan}; returns this gateway's name (null if not found).
     */
    private String againstServices(PartitionPlan plan, Map<String, ServiceConfig> services, Set<String> inPlan) {
        // Every local address of this config's sessions, and the services that hold it.
        Map<String, List<String>> byLocal = new LinkedHashMap<>();
        services.forEach((name, s) -> {
            if (s == null) {
                return;
            }
            Set<String> locals = new LinkedHashSet<>();
            for (BfdSessionConfig b : s.bfd()) {
                if (b != null && b.local() != null && ConfigValidator.literal(b.local()) != null) {
                    locals.add(canonical(b.local()));
                }
            }
            locals.forEach(l -> byLocal.computeIfAbsent(l, k -> new ArrayList<>()).add(name));
        });
        Map<String, String> frrPeerLocals = new HashMap<>();
        services.forEach((name, s) -> {
            if (s != null) {
                for (BfdPeerSpec p : s.frrPeers()) {
                    if (p != null && p.localAddress() != null) {
                        frrPeerLocals.put(canonical(p.localAddress()), name);
                    }
                }
            }
        });
        List<String> selves = plan.gateways().stream()
                .filter(g -> plan.nextHops(g).stream().anyMatch(h -> byLocal.containsKey(h.address())
                        || frrPeerLocals.containsKey(h.address()))).toList();
        if (selves.isEmpty()) {
            error("partitions.gateways", "none of them is this gateway: no next hop is the local address of a BFD "
                    + "session here (local addresses: " + String.join(", ", byLocal.keySet()) + ")");
            return null;
        }
        if (selves.size() > 1) {
            error("partitions.gateways", "next hops of " + String.join(" and ", selves) + " are local addresses "
                    + "of BFD sessions here; a config is one gateway's");
            return null;
        }
        String self = selves.get(0);
        List<PartitionPlan.NextHop> own = plan.nextHops(self);
        for (int i = 0; i < own.size(); i++) {
            PartitionPlan.NextHop h = own.get(i);
            String path = "partitions.gateways." + self + "[" + i + "].nextHop";
            List<String> holders = byLocal.getOrDefault(h.address(), List.of());
            if (holders.isEmpty()) {
                error(path, h.address() + (frrPeerLocals.containsKey(h.address())
                        ? " is the local address of an FRR peer of service " + frrPeerLocals.get(h.address())
                                + "; a plan is rendered from native BFD sessions (services.NAME.bfd) only"
                        : " is no BFD session's local address here: the router would track a session nobody "
                                + "answers"));
                continue;
            }
            if (holders.size() > 1) {
                error(path, h.address() + " is the local address of services " + String.join(" and ", holders)
                        + "; give each next hop to one service");
                continue;
            }
            String service = holders.get(0);
            inPlan.add(service);
            String expected = plan.split().ipv6(h.destinations());
            if (!services.get(service).prefixes().equals(List.of(expected))) {
                error("services." + service + ".prefixes", "the partition plan routes " + expected + " (IPv4 "
                        + h.destinations() + ") to this service's next hop " + h.address() + "; list exactly ["
                        + expected + "]");
            }
        }
        // A service outside the plan must not route into the plan's prefix: two configs for one route.
        Nat64Split.Ipv4Block all = Ipv4Block.ALL;
        String planPrefix = plan.split().ipv6(all);
        services.forEach((name, s) -> {
            if (s == null || inPlan.contains(name)) {
                return;
            }
            for (int i = 0; i < s.prefixes().size(); i++) {
                String p = s.prefixes().get(i);
                if (p != null && overlaps(p, planPrefix)) {
                    error("services." + name + ".prefixes[" + i + "]", p + " overlaps the partition plan's prefix "
                            + planPrefix + ", but this service's next hops are not in partitions.gateways." + self);
                }
            }
        });
        return self;
    }

    /** Whether two prefixes share an address (one holds the other); false when either does not parse. */
    static boolean overlaps(String a, String b) {
        try {
            dev.xlatsentinel.frr.addr.IpPrefix x = dev.xlatsentinel.frr.addr.IpPrefix.parse("a", a);
            dev.xlatsentinel.frr.addr.IpPrefix y = dev.xlatsentinel.frr.addr.IpPrefix.parse("b", b);
            byte[] xb = InetAddress.getByName(x.address()).getAddress();
            byte[] yb = InetAddress.getByName(y.address()).getAddress();
            if (xb.length != yb.length) {
                return false;
            }
            int common = Math.min(x.length(), y.length());
            for (int bit = 0; bit < common; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((xb[bit / 8] & mask) != (yb[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The address as routers print it, so addresses written differently compare equal. */
    private static String canonical(String address) {
        try {
            return dev.xlatsentinel.frr.addr.IpLiteral.canonical("address", address);
        } catch (IllegalArgumentException e) {
            return address;
        }
    }
}
