package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.xlatsentinel.platform.net.IpPrefix;

/**
 * {@code type: route}: A route to exactly {@code destination} (CIDR, e.g. 0.0.0.0/0) exists, optionally via {@code dev}, in {@code namespace} (default: the instance's).
 * {@code onEvent} ({@code count}, the default; {@code down}; {@code off}): how route and link events count.
 */
@JsonIgnoreProperties({"type"})
public record RouteProbeSpec(String name, IpPrefix destination, String dev, String namespace, String onEvent)
        implements ProbeSpec, WatchedProbeSpec {
    public RouteProbeSpec(String name, IpPrefix destination, String dev, String namespace) {
        this(name, destination, dev, namespace, null);
    }

    @Override
    public String type() {
        return "route";
    }
}
