package dev.xlatsentinel.agent.config;

import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.platform.net.IpPrefix;
import java.util.List;

/**
 * {@code services.NAME}: what the router sees of one or more instances, withdrawn together
 * when any of them is unhealthy or drained.
 *
 * @param dependsOn instances this service needs (required, at least one)
 * @param prefixes  the prefixes the router sends to this service's next hop (for
 *                  render-router-config, e.g. 64:ff9b::/96 or its halves)
 * @param bfd       native BFD sessions, held Down (diag Path Down) while withdrawn
 * @param frrPeers  FRR bfdd peers, shut down while withdrawn (bfdd then sends AdminDown)
 * @param frrRoutes FRR routes (staticd or bgpd network), removed while withdrawn
 */
public record ServiceConfig(List<String> dependsOn, List<IpPrefix> prefixes, List<BfdSessionConfig> bfd,
        List<BfdPeerSpec> frrPeers, List<RouteSpec> frrRoutes) {
    public ServiceConfig {
        dependsOn = nonNull(dependsOn);
        prefixes = nonNull(prefixes);
        bfd = nonNull(bfd);
        frrPeers = nonNull(frrPeers);
        frrRoutes = nonNull(frrRoutes);
    }

    /** A copy of {@code list} that keeps null elements (the validator reports them by index). */
    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(list));
    }
}
