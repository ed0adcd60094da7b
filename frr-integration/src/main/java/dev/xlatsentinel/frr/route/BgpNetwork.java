package dev.xlatsentinel.frr.route;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.config.Reasons;
import dev.xlatsentinel.platform.net.IpPrefix;
import java.util.List;

/**
 * A {@code network PREFIX} statement under {@code router bgp ASN}, address family IPv4 or
 * IPv6 unicast by the prefix. The BGP instance must exist already: the agent never creates
 * one ({@code router bgp ASN} would). Options on an existing statement (route-map,
 * label-index) are left alone.
 */
public record BgpNetwork(long asn, String prefix) implements RouteSpec {

    public BgpNetwork {
        if (asn < 1 || asn > 4294967295L) {
            throw new FieldException("asn", Reasons.outside(asn, 1, 4294967295L));
        }
        prefix = FieldException.parse("prefix", prefix, IpPrefix::parse).toString();
    }

    @Override
    public String daemon() {
        return "bgpd";
    }

    @Override
    @JsonIgnore
    public IpPrefix ipPrefix() {
        return IpPrefix.parse(prefix);
    }

    @Override
    public BgpNetwork key() {
        return this;
    }

    /** "ipv4 unicast" or "ipv6 unicast". */
    @JsonIgnore
    public String addressFamily() {
        return ipPrefix().isIpv6() ? "ipv6 unicast" : "ipv4 unicast";
    }

    @Override
    public List<String> addLines() {
        return List.of("router bgp " + asn, "address-family " + addressFamily(), "network " + prefix);
    }

    @Override
    public List<String> removeLines() {
        return List.of("router bgp " + asn, "address-family " + addressFamily(), "no network " + prefix);
    }

    @Override
    public String toString() {
        return "router bgp " + asn + " network " + prefix;
    }
}
