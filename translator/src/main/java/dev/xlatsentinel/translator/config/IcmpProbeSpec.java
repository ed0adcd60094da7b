package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.xlatsentinel.translator.datapath.Nat64Prefix;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;

/** {@code type: icmp}: ICMPv6 echo through the translator to {@code <prefix>::<target>} for each IPv4 target; passes when {@code required} (default 1) targets answer. {@code namespace}: where probes are sent from (default: the instance's probe namespace, else the host); {@code source}: IPv6 source address (default: chosen by the kernel). */
@JsonIgnoreProperties({"type"})
public record IcmpProbeSpec(String name, Nat64Prefix prefix, List<Inet4Address> targets, Integer required,
        Inet6Address source, String namespace, Boolean nativeCheck) implements ProbeSpec {
    /**
     * {@code nativeCheck} (default true): also echo the targets natively over IPv4 from the
     * instance's namespace, so that targets unreachable upstream do not withdraw a working
     * translator (translator.md "Do no harm").
     */
    public IcmpProbeSpec(String name, Nat64Prefix prefix, List<Inet4Address> targets, Integer required,
            Inet6Address source, String namespace) {
        this(name, prefix, targets, required, source, namespace, null);
    }

    @Override
    public String type() {
        return "icmp";
    }
}
