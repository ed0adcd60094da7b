package dev.xlatsentinel.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xlatsentinel.agent.config.AgentSettings;
import dev.xlatsentinel.agent.control.AgentCommands;
import dev.xlatsentinel.agent.control.ControlClient;
import dev.xlatsentinel.agent.control.ControlException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which running agent: {@code -s PATH}, or {@code -n NAME} for the agent of
 * {@code xlat-sentinel@NAME} (one per network namespace); default the root-namespace agent.
 */
final class ControlOptions {
    @Option(names = {"-s", "--socket"}, paramLabel = "PATH",
            description = "The agent's control socket (default: " + "/run/xlat-sentinel/agent/control.sock).")
    Path socket;

    @Option(names = {"-n", "--netns"}, paramLabel = "NAME",
            description = "The agent of xlat-sentinel@NAME (socket /run/xlat-sentinel/NAME/control.sock).")
    String netns;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for the agent's answer (default: ${DEFAULT-VALUE} s).")
    int timeoutSeconds;

    Path socket() {
        if (socket != null) {
            return socket;
        }
        return netns == null ? AgentSettings.DEFAULT_CONTROL_SOCKET
                : Path.of("/run/xlat-sentinel", netns, "control.sock");
    }

    ObjectNode request(String command) {
        return AgentCommands.JSON.createObjectNode().put("command", command);
    }

    JsonNode call(ObjectNode request) throws ControlException {
        if (timeoutSeconds < 1) {
            throw new ControlException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        return new ControlClient(socket(), java.time.Duration.ofSeconds(timeoutSeconds)).call(request);
    }

    /** Sends {@code request} and prints the agent's one-line answer; exit status 0, or 1 with the error. */
    int callAndPrint(ObjectNode request) {
        try {
            System.out.println(call(request).asText());
            return 0;
        } catch (ControlException e) {
            System.err.println("xlat-sentinel: " + e.getMessage());
            return 1;
        }
    }
}
