package dev.xlatsentinel.frr.route;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.config.Reasons;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;

/**
 * {@code ip[v6] route PREFIX [NEXTHOP] [INTERFACE] [DISTANCE]} in staticd. staticd keys a
 * route's paths by distance, so a new distance is a new path: changing it removes the old line.
 *
 * @param prefix   e.g. 64:ff9b::/96, host bits zero
 * @param nexthop  gateway address of the same family, or null for an interface route
 * @param iface    outgoing interface ({@code interface} in YAML), or null
 * @param distance administrative distance 1-255, or null for staticd's default (1)
 */
public record StaticRoute(String prefix, String nexthop, @JsonProperty("interface") String iface, Integer distance)
        implements RouteSpec {

    public StaticRoute {
        IpPrefix p = FieldException.parse("prefix", prefix, IpPrefix::parse);
        prefix = p.toString();
        if (nexthop != null) {
            InetAddress n = FieldException.parse("nexthop", nexthop, IpAddresses::parse);
            nexthop = IpAddresses.text(n);
            if (n.getClass() != p.address().getClass()) {
                throw new FieldException("nexthop", nexthop + " is not of the family of " + prefix);
            }
        }
        if (iface != null && !iface.matches("[^\\s/]{1,15}")) {
            throw new FieldException("interface", "'" + iface + "' is not a Linux interface name");
        }
        if (nexthop == null && iface == null) {
            throw new FieldException("nexthop", "a static route needs a next hop or an interface");
        }
        if (distance != null && (distance < 1 || distance > 255)) {
            throw new FieldException("distance", Reasons.outside(distance, 1, 255));
        }
        if (distance != null && distance == 1) {
            distance = null; // staticd's default, which it does not print
        }
    }

    public static StaticRoute via(String prefix, String nexthop) {
        return new StaticRoute(prefix, nexthop, null, null);
    }

    @Override
    public String daemon() {
        return "staticd";
    }

    @Override
    @JsonIgnore
    public IpPrefix ipPrefix() {
        return IpPrefix.parse(prefix);
    }

    @Override
    public StaticRoute key() {
        return new StaticRoute(prefix, nexthop, iface, null);
    }

    /** The line as staticd prints it. */
    public String line() {
        StringBuilder s = new StringBuilder(ipPrefix().isIpv6() ? "ipv6 route " : "ip route ").append(prefix);
        if (nexthop != null) {
            s.append(' ').append(nexthop);
        }
        if (iface != null) {
            s.append(' ').append(iface);
        }
        if (distance != null && distance != 1) {
            s.append(' ').append(distance);
        }
        return s.toString();
    }

    @Override
    public List<String> addLines() {
        return List.of(line());
    }

    @Override
    public List<String> removeLines() {
        return List.of("no " + line());
    }

    @Override
    public String toString() {
        return line();
    }
}
