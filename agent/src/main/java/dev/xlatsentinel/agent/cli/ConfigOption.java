package dev.xlatsentinel.agent.cli;

import dev.xlatsentinel.agent.config.ConfigException;
import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.LoadedConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -c FILE} for the commands that read the agent's config themselves. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "/etc/xlat-sentinel/agent.yaml",
            description = "The agent's config file (default: ${DEFAULT-VALUE}).")
    Path file;

    /** The checked config, or null after printing every error (the command then exits 1). */
    LoadedConfig loadOrReport() {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return null;
        }
    }
}
