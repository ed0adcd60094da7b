package dev.xlatsentinel.agent.config;

import dev.xlatsentinel.translator.config.InstanceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole config file ({@code /etc/xlat-sentinel/agent.yaml}): the agent's own settings,
 * where FRR is, the translator instances with their probes and health rules, and the
 * services the router sees; optionally the partition plan this gateway shares the NAT64
 * prefix in with others (null: none).
 */
public record AgentConfig(AgentSettings agent, FrrSettings frr, Map<String, InstanceSpec> instances,
        Map<String, ServiceConfig> services, PartitionsConfig partitions) {

    public AgentConfig {
        agent = agent == null ? AgentSettings.defaults() : agent;
        frr = frr == null ? FrrSettings.DEFAULT : frr;
        instances = instances == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(instances));
        services = services == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
    }

    /**
     * {@code frr:}: where FRR's vty sockets are (for services with {@code frrPeers} or
     * {@code frrRoutes}).
     *
     * @param vtyDir       FRR's vty socket directory (default /var/run/frr)
     * @param pollInterval how often bfdd's peers are read for status (default 1s)
     * @param timeout      per command reply (default 2s)
     */
    public record FrrSettings(Path vtyDir, Duration pollInterval, Duration timeout) {
        public static final FrrSettings DEFAULT = new FrrSettings(null, null, null);

        public FrrSettings {
            vtyDir = vtyDir == null ? Path.of("/var/run/frr") : vtyDir;
            pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
            timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
        }
    }
}
