package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code type: route}: A route to exactly {@code destination} (CIDR, e.g. 0.0.0.0/0) exists, optionally via {@code dev}, in {@code namespace} (default: the instance's). */
@JsonIgnoreProperties({"type"})
public record RouteProbeSpec(String name, String destination, String dev, String namespace) implements ProbeSpec {
    @Override
    public String type() {
        return "route";
    }
}
