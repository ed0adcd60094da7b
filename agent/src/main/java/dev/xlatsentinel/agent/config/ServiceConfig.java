package dev.xlatsentinel.agent.config;

import java.util.List;

/**
 * {@code services.NAME}: what the router sees of one or more instances, withdrawn together
 * when any of them is unhealthy or drained.
 *
 * @param dependsOn instances this service needs (required, at least one)
 * @param prefixes  the prefixes the router sends to this service's next hop (for
 *                  render-router-config, e.g. 64:ff9b::/96 or its halves)
 * @param bfd       native BFD sessions held Down (Path Down) while withdrawn
 */
public record ServiceConfig(List<String> dependsOn, List<String> prefixes, List<BfdSessionConfig> bfd) {
    public ServiceConfig {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        prefixes = prefixes == null ? List.of() : List.copyOf(prefixes);
        bfd = bfd == null ? List.of() : List.copyOf(bfd);
    }
}
