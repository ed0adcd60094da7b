package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code type: tcp}: TCP connect through the translator to {@code <prefix>::<target>} port {@code port}; a handshake or a refusal counts as an answer. Namespace and source as for {@link IcmpProbeSpec}. */
@JsonIgnoreProperties({"type"})
public record TcpProbeSpec(String name, String prefix, List<String> targets, Integer port, Integer required, String source, String namespace) implements ProbeSpec {
    @Override
    public String type() {
        return "tcp";
    }
}
