package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.xlatsentinel.translator.datapath.Nat64Prefix;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;

/** {@code type: tcp}: TCP connect through the translator to {@code <prefix>::<target>} port {@code port}; a handshake or a refusal counts as an answer. Namespace and source as for {@link IcmpProbeSpec}. */
@JsonIgnoreProperties({"type"})
public record TcpProbeSpec(String name, Nat64Prefix prefix, List<Inet4Address> targets, Integer port, Integer required,
        Inet6Address source, String namespace) implements ProbeSpec {
    @Override
    public String type() {
        return "tcp";
    }
}
