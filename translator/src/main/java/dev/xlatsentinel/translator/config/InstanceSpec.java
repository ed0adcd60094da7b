package dev.xlatsentinel.translator.config;

import java.util.List;

/**
 * One translator instance.
 *
 * @param namespace      the translator's network namespace (ip netns name or path); null: the host
 * @param probeNamespace where datapath probes start from; null: the host (for a translator in its own namespace)
 * @param health         rise/fall and timing; left out: {@link HealthSpec#DEFAULT}
 * @param probes         at least one
 */
public record InstanceSpec(String namespace, ProbeNamespaceSpec probeNamespace, HealthSpec health,
        List<ProbeSpec> probes) {
    public InstanceSpec {
        health = health == null ? HealthSpec.DEFAULT : health;
    }
}
