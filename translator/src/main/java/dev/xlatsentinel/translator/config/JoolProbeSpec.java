package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code type: jool}: A Jool instance's status and counters. {@code flavor}: nat64 (runs {@code jool}, default) or siit ({@code jool_siit}); {@code instance}: the Jool instance name; {@code binary}: another client path; thresholds as in {@link dev.xlatsentinel.translator.jool.JoolThresholds} (defaults: failedRoutesMax 0, receivedWithoutSuccess 1, bibUsageMax 0.95, pool4 true for nat64, sessionSync false). Runs in {@code namespace} (default: the instance's). */
@JsonIgnoreProperties({"type"})
public record JoolProbeSpec(String name, String flavor, String instance, String binary, String namespace, Long failedRoutesMax, Long receivedWithoutSuccess, Double bibUsageMax, Boolean pool4, Boolean sessionSync, java.util.List<String> egress) implements ProbeSpec {
    /** The egress interfaces ({@code egress}: its output leaves the gateway by them), empty when none are given. */
    public java.util.List<String> egressOrNone() {
        return egress == null ? java.util.List.of() : egress;
    }

    @Override
    public String type() {
        return "jool";
    }

    /** True for a SIIT instance ({@code jool_siit}). */
    public boolean siit() {
        return "siit".equals(flavor);
    }

    /** The client to run: {@code binary} if given, else {@code jool_siit} or {@code jool} by flavor. */
    public String binaryOrDefault() {
        return binary != null ? binary : siit() ? "jool_siit" : "jool";
    }

    /** Where the client runs: {@code namespace} if given, else the instance's (null: the host). */
    public String namespaceIn(InstanceSpec instance) {
        return namespace != null ? namespace : instance.namespace();
    }
}
