package dev.xlatsentinel.frr.route;

import dev.xlatsentinel.frr.config.ConfigConflictException;
import dev.xlatsentinel.frr.config.DesiredState;
import dev.xlatsentinel.frr.config.RunningConfig;
import dev.xlatsentinel.frr.vty.VtySession;
import dev.xlatsentinel.platform.net.IpAddresses;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Reads static routes and BGP networks from a daemon's running config; plans add/remove lines. */
final class RouteModel implements DesiredState.Model<RouteSpec, RouteSpec> {
    /** Words of staticd's route syntax that can stand where an interface name would. */
    private static final Set<String> NOT_AN_INTERFACE = Set.of("tag", "table", "nexthop-vrf", "label", "onlink",
            "color", "segments", "bfd", "vrf", "blackhole", "reject", "Null0");

    @Override
    public Function<RouteSpec, Optional<RouteSpec>> read(VtySession session) {
        RunningConfig rc = RunningConfig.parse(session.execute("show running-config"));
        List<RouteSpec> present = new ArrayList<>(staticRoutes(rc));
        present.addAll(bgpNetworks(rc));
        Set<Long> asns = bgpInstances(rc);
        return key -> {
            if (key instanceof BgpNetwork n && !asns.contains(n.asn())) {
                throw new ConfigConflictException("bgpd runs no 'router bgp " + n.asn() + "' (it has " + asns
                        + "); the agent does not create BGP instances");
            }
            return present.stream().filter(r -> r.key().equals(key.key())).findFirst();
        };
    }

    @Override
    public List<String> plan(RouteSpec key, Optional<RouteSpec> actual, Optional<RouteSpec> desired) {
        if (desired.isEmpty()) {
            return actual.map(RouteSpec::removeLines).orElse(List.of());
        }
        if (actual.isPresent() && actual.get().equals(desired.get())) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(desired.get().addLines());
        // staticd keys paths by distance: the old one must go, after the new one is in.
        actual.ifPresent(a -> lines.addAll(a.removeLines()));
        return lines;
    }

    /** Top-level {@code ip route} / {@code ipv6 route} lines; VRF, table and SRv6 routes are not ours. */
    static List<StaticRoute> staticRoutes(RunningConfig rc) {
        List<StaticRoute> out = new ArrayList<>();
        for (RunningConfig.Line l : rc.top()) {
            List<String> w = l.words();
            if (w.size() < 4 || !w.get(1).equals("route") || !(w.get(0).equals("ip") || w.get(0).equals("ipv6"))) {
                continue;
            }
            StaticRoute r = parseStatic(w);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    private static StaticRoute parseStatic(List<String> w) {
        int i = 3;
        String nexthop = null;
        String iface = null;
        Integer distance = null;
        if (i < w.size() && isIp(w.get(i))) {
            nexthop = w.get(i++);
        }
        if (i < w.size() && !isNumber(w.get(i)) && !NOT_AN_INTERFACE.contains(w.get(i))) {
            iface = w.get(i++);
        }
        if (nexthop == null && iface == null) {
            return null; // blackhole / reject / Null0
        }
        while (i < w.size()) {
            String t = w.get(i);
            if (t.equals("tag")) {
                i += 2;
            } else if (isNumber(t)) {
                distance = Integer.valueOf(t);
                i++;
            } else {
                return null; // blackhole, table, nexthop-vrf, label, onlink, segments, bfd ...: not a route this agent manages
            }
        }
        try {
            return new StaticRoute(w.get(2), nexthop, iface, distance);
        } catch (IllegalArgumentException e) {
            return null; // blackhole/reject and other forms
        }
    }

    static List<BgpNetwork> bgpNetworks(RunningConfig rc) {
        List<BgpNetwork> out = new ArrayList<>();
        for (RunningConfig.Line router : rc.top()) {
            Long asn = defaultVrfAsn(router);
            if (asn == null) {
                continue;
            }
            for (RunningConfig.Line af : router.children("address-family ")) {
                if (!af.text().endsWith(" unicast")) {
                    continue;
                }
                for (RunningConfig.Line net : af.children("network ")) {
                    out.add(new BgpNetwork(asn, net.words().get(1)));
                }
            }
        }
        return out;
    }

    static Set<Long> bgpInstances(RunningConfig rc) {
        Set<Long> asns = new HashSet<>();
        for (RunningConfig.Line router : rc.top()) {
            Long asn = defaultVrfAsn(router);
            if (asn != null) {
                asns.add(asn);
            }
        }
        return asns;
    }

    /** The ASN of {@code router bgp ASN} (default VRF, no view), else null. */
    private static Long defaultVrfAsn(RunningConfig.Line l) {
        List<String> w = l.words();
        return w.size() == 3 && w.get(0).equals("router") && w.get(1).equals("bgp") && isNumber(w.get(2))
                ? Long.valueOf(w.get(2)) : null;
    }

    private static boolean isIp(String s) {
        try {
            IpAddresses.parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isNumber(String s) {
        return s.chars().allMatch(Character::isDigit) && !s.isEmpty();
    }
}
