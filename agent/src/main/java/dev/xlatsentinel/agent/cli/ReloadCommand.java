package dev.xlatsentinel.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code xlat-sentinel reload}: the running agent rereads its config file. */
@Command(name = "reload", description = "Reload the running agent's config file (a bad file is rejected whole).")
public final class ReloadCommand implements Callable<Integer> {
    @Mixin
    ControlOptions control;

    @Override
    public Integer call() {
        return control.callAndPrint(control.request("reload"));
    }
}
