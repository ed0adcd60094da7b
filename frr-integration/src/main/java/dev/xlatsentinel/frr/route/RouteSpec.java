package dev.xlatsentinel.frr.route;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.xlatsentinel.platform.net.IpPrefix;
import java.util.List;

/**
 * A route the gateway hands to the routing protocol, which the agent withdraws while the
 * translator behind it is unhealthy: a staticd route redistributed into OSPF/BGP, or a bgpd
 * {@code network} statement. In YAML: {@code kind: static} or {@code kind: bgp-network}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = StaticRoute.class, name = "static"),
        @JsonSubTypes.Type(value = BgpNetwork.class, name = "bgp-network")})
public sealed interface RouteSpec permits StaticRoute, BgpNetwork {

    /** Which daemon's configuration holds it ("staticd" or "bgpd" in FRR 8.4). */
    String daemon();

    IpPrefix ipPrefix();

    /** This route with only its identity (what tells it apart in the daemon), settings cleared. */
    RouteSpec key();

    /** Configure-mode lines that add it. */
    List<String> addLines();

    /** Configure-mode lines that remove it, as the daemon has it. */
    List<String> removeLines();
}
