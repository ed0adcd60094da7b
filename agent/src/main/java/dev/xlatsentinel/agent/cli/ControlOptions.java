package dev.xlatsentinel.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xlatsentinel.agent.config.AgentSettings;
import dev.xlatsentinel.agent.control.AgentCommands;
import dev.xlatsentinel.agent.control.ControlClient;
import dev.xlatsentinel.agent.control.ControlException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the running agent's control socket is: {@code -s PATH}, default the package's path. */
final class ControlOptions {
    @Option(names = {"-s", "--socket"}, paramLabel = "PATH",
            description = "The agent's control socket (default: ${DEFAULT-VALUE}).")
    Path socket = AgentSettings.DEFAULT_CONTROL_SOCKET;

    ObjectNode request(String command) {
        return AgentCommands.JSON.createObjectNode().put("command", command);
    }

    JsonNode call(ObjectNode request) throws ControlException {
        return new ControlClient(socket).call(request);
    }
}
