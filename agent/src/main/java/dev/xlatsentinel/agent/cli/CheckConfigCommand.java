package dev.xlatsentinel.agent.cli;

import dev.xlatsentinel.agent.config.ConfigException;
import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.LoadedConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code xlat-sentinel check-config FILE}: exactly the checks {@code run} and {@code reload} do. */
@Command(name = "check-config", description = "Check a config file the way run and reload do; print every error.")
public final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The config file.")
    Path file;

    @Override
    public Integer call() {
        try {
            LoadedConfig c = ConfigLoader.load(file);
            int sessions = c.bfdSessions().values().stream().mapToInt(java.util.List::size).sum();
            var plan = dev.xlatsentinel.agent.config.PartitionsCheck.check(c.config());
            System.out.println(file + ": ok (" + c.config().instances().size() + " instances, "
                    + c.config().services().size() + " services, " + sessions + " native BFD sessions"
                    + (plan.plan() == null ? "" : "; partition plan: " + plan.plan().parts().size() + " parts over "
                            + plan.plan().gateways().size() + " gateways, this one is " + plan.self()) + ")");
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
