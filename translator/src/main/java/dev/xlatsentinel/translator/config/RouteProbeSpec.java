package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.xlatsentinel.platform.net.IpPrefix;

/** {@code type: route}: A route to exactly {@code destination} (CIDR, e.g. 0.0.0.0/0) exists, optionally via {@code dev}, in {@code namespace} (default: the instance's). */
@JsonIgnoreProperties({"type"})
public record RouteProbeSpec(String name, IpPrefix destination, String dev, String namespace) implements ProbeSpec {
    @Override
    public String type() {
        return "route";
    }
}
