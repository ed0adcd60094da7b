package dev.xlatsentinel.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xlat-sentinel undrain INSTANCE|--all}. */
@Command(name = "undrain", description = "End a drain; services return once their instances are UP.")
public final class UndrainCommand implements Callable<Integer> {
    @Mixin
    ControlOptions control;

    @ArgGroup(multiplicity = "1")
    Target target;

    /** One instance, or all of them. */
    static final class Target {
        @Parameters(paramLabel = "INSTANCE", description = "The instance to undrain.")
        String instance;

        @Option(names = "--all", description = "Undrain every instance (and end a drain of all).")
        boolean all;
    }

    @Override
    public Integer call() {
        ObjectNode req = control.request("undrain");
        if (!target.all) {
            req.put("instance", target.instance);
        }
        return control.callAndPrint(req);
    }
}
