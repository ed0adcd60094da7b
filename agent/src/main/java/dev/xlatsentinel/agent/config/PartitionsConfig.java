package dev.xlatsentinel.agent.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code partitions:} several gateways share the NAT64 prefix as sticky parts: the prefix is
 * cut into {@code parts} by IPv4 destination, and the router prefers the gateways for each
 * part in an order of its own (docs/scale-out.md). The same section goes into the config of
 * every gateway of the plan; {@code render-router-config} renders the whole plan from any of
 * them, and {@code check-config} checks that this gateway's BFD sessions are the next hops
 * the plan gives it.
 *
 * @param prefix   the NAT64 prefix to share (RFC 6052: /32, /40, /48, /56, /64 or /96)
 * @param parts    how many parts: a power of two from 2 to 256, at least one per gateway
 * @param gateways every gateway of the plan by name, each with its next hops: one per
 *                 translator instance, with the IPv4 destinations that instance translates
 */
public record PartitionsConfig(String prefix, Integer parts, Map<String, List<NextHop>> gateways) {
    public PartitionsConfig {
        gateways = gateways == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(gateways));
    }

    /**
     * One next hop of a gateway: the address the router routes to (a BFD session's local
     * address on that gateway), and the IPv4 destinations it translates.
     *
     * @param nextHop      an IPv6 address
     * @param destinations an IPv4 prefix of length 0 to 8 (default 0.0.0.0/0: all), e.g.
     *                     0.0.0.0/1 for the seed's "lower" instance
     */
    public record NextHop(String nextHop, String destinations) {
    }
}
