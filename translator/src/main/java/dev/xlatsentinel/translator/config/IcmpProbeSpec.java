package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.xlatsentinel.translator.datapath.Nat64Prefix;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;

/** {@code type: icmp}: ICMPv6 echo through the translator to {@code <prefix>::<target>} for each IPv4 target; passes when {@code required} (default 1) targets answer. {@code namespace}: where probes are sent from (default: the instance's probe namespace, else the host); {@code source}: IPv6 source address (default: chosen by the kernel). */
@JsonIgnoreProperties({"type"})
public record IcmpProbeSpec(String name, Nat64Prefix prefix, List<Inet4Address> targets, Integer required, Inet6Address source,
        String namespace) implements ProbeSpec {
    @Override
    public String type() {
        return "icmp";
    }
}
