package dev.xlatsentinel.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.agent.control.AgentCommands;
import dev.xlatsentinel.agent.control.ControlException;
import dev.xlatsentinel.agent.status.AgentStatus;
import dev.xlatsentinel.agent.status.StatusText;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xlat-sentinel status [--json]}. */
@Command(name = "status", description = "Show instances, services and BFD sessions of the running agent.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ControlOptions control;

    @Option(names = "--json", description = "The documented JSON schema (docs/status-json.md) instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        JsonNode result;
        try {
            result = control.call(control.request("status"));
        } catch (ControlException e) {
            System.err.println("xlat-sentinel: " + e.getMessage());
            return 1;
        }
        if (json) {
            System.out.println(AgentCommands.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } else {
            AgentStatus s = AgentCommands.JSON.treeToValue(result, AgentStatus.class);
            System.out.print(StatusText.render(s, Instant.now()));
        }
        return 0;
    }
}
