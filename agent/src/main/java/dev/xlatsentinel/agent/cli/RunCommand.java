package dev.xlatsentinel.agent.cli;

import ch.qos.logback.classic.Level;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.runtime.AgentService;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xlat-sentinel run -c FILE}: the daemon, in the foreground (systemd Type=notify). */
@Command(name = "run", description = "Run the agent in the foreground (as systemd starts it).")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(logLevel, Level.INFO));
        LoadedConfig loaded = config.loadOrReport();
        if (loaded == null) {
            return 1;
        }
        AgentService daemon;
        try {
            daemon = AgentService.start(loaded);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(RunCommand.class).error("cannot start: {}", e.getMessage(), e);
            return 1;
        }
        daemon.awaitStop();
        return 0;
    }
}
