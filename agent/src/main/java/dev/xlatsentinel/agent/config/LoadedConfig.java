package dev.xlatsentinel.agent.config;

import dev.xlatsentinel.bfd.SessionConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A config that passed every check, with what the checks built on the way: each service's
 * native BFD sessions as the BFD library's {@link SessionConfig} (secrets read, addresses
 * parsed), in the order of the file.
 */
public record LoadedConfig(Path file, AgentConfig config, Map<String, List<SessionConfig>> bfdSessions) {
}
