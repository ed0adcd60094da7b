package dev.xlatsentinel.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xlat-sentinel drain INSTANCE|--all --reason TEXT}: planned withdrawal. */
@Command(name = "drain", description = "Withdraw an instance's services for maintenance (until undrain).")
public final class DrainCommand implements Callable<Integer> {
    @Mixin
    ControlOptions control;

    @ArgGroup(multiplicity = "1")
    Target target;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (logged and shown in status).")
    String reason;

    /** One instance, or all of them. */
    static final class Target {
        @Parameters(paramLabel = "INSTANCE", description = "The instance to drain.")
        String instance;

        @Option(names = "--all", description = "Drain every instance.")
        boolean all;
    }

    @Override
    public Integer call() {
        ObjectNode req = control.request("drain").put("reason", reason);
        if (!target.all) {
            req.put("instance", target.instance);
        }
        return control.callAndPrint(req);
    }
}
