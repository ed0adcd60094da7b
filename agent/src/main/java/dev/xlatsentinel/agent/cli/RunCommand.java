package dev.xlatsentinel.agent.cli;

import ch.qos.logback.classic.Level;
import dev.xlatsentinel.agent.config.ConfigException;
import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.runtime.Daemon;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xlat-sentinel run -c FILE}: the daemon, in the foreground (systemd Type=notify). */
@Command(name = "run", description = "Run the agent in the foreground (as systemd starts it).")
public final class RunCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "/etc/xlat-sentinel/agent.yaml",
            description = "The config file (default: ${DEFAULT-VALUE}).")
    Path file;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(logLevel, Level.INFO));
        LoadedConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(config);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(RunCommand.class).error("cannot start: {}", e.getMessage(), e);
            return 1;
        }
        daemon.awaitStop();
        return 0;
    }
}
