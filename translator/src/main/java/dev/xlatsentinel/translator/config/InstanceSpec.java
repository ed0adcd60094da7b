package dev.xlatsentinel.translator.config;

import java.util.List;

/**
 * One translator instance.
 *
 * @param namespace      the translator's network namespace (ip netns name or path); null: the host
 * @param probeNamespace where datapath probes start from; null: the host (for a translator in its own namespace)
 * @param health         rise/fall and timing; null fields take {@link dev.xlatsentinel.translator.health.HealthPolicy#DEFAULTS}
 * @param probes         at least one
 */
public record InstanceSpec(String namespace, ProbeNamespaceSpec probeNamespace, HealthSpec health,
        List<ProbeSpec> probes) {
}
