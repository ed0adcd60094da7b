package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code type: interface}: An interface exists and is up, in {@code namespace} (default: the instance's). */
@JsonIgnoreProperties({"type"})
public record InterfaceProbeSpec(String name, @JsonProperty("interface") String interfaceName, String namespace) implements ProbeSpec {
    @Override
    public String type() {
        return "interface";
    }
}
