package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code type: tayga}: TAYGA's process (from {@code pidFile}), its TUN device {@code tun} and the TUN counters; {@code expectTraffic} (default false) also fails when no packet crossed the TUN between runs. Runs in {@code namespace} (default: the instance's).
 * {@code onEvent} ({@code count}, the default; {@code down}; {@code off}): how TAYGA's exit (pidfd) and the TUN's link events count.
 * {@code egress} (optional): the interfaces TAYGA's translated traffic leaves the gateway by (its IPv4 side and IPv6 side),
 * in the same namespace; their transmit counters tell a saturated TAYGA whose output leaves from one whose output is dropped.
 */
@JsonIgnoreProperties({"type"})
public record TaygaProbeSpec(String name, String pidFile, String tun, Boolean expectTraffic, String namespace,
        String onEvent, java.util.List<String> egress) implements ProbeSpec, WatchedProbeSpec {
    public TaygaProbeSpec(String name, String pidFile, String tun, Boolean expectTraffic, String namespace) {
        this(name, pidFile, tun, expectTraffic, namespace, null, null);
    }

    /** The egress interfaces, empty when none are given. */
    public java.util.List<String> egressOrNone() {
        return egress == null ? java.util.List.of() : egress;
    }

    @Override
    public String type() {
        return "tayga";
    }
}
