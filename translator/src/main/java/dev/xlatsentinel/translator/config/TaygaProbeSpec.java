package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code type: tayga}: TAYGA's process (from {@code pidFile}), its TUN device {@code tun} and the TUN counters; {@code expectTraffic} (default false) also fails when no packet crossed the TUN between runs. Runs in {@code namespace} (default: the instance's).
 * {@code onEvent} ({@code count}, the default; {@code down}; {@code off}): how TAYGA's exit (pidfd) and the TUN's link events count.
 */
@JsonIgnoreProperties({"type"})
public record TaygaProbeSpec(String name, String pidFile, String tun, Boolean expectTraffic, String namespace,
        String onEvent) implements ProbeSpec, WatchedProbeSpec {
    public TaygaProbeSpec(String name, String pidFile, String tun, Boolean expectTraffic, String namespace) {
        this(name, pidFile, tun, expectTraffic, namespace, null);
    }

    @Override
    public String type() {
        return "tayga";
    }
}
