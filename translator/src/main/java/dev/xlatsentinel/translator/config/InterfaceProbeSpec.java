package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code type: interface}: An interface exists and is up, in {@code namespace} (default: the instance's).
 * {@code onEvent} ({@code count}, the default; {@code down}; {@code off}): how its link and address events count.
 */
@JsonIgnoreProperties({"type"})
public record InterfaceProbeSpec(String name, @JsonProperty("interface") String interfaceName, String namespace,
        String onEvent) implements ProbeSpec, WatchedProbeSpec {
    public InterfaceProbeSpec(String name, String interfaceName, String namespace) {
        this(name, interfaceName, namespace, null);
    }

    @Override
    public String type() {
        return "interface";
    }
}
