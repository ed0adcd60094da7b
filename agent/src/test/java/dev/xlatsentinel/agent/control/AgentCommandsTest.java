package dev.xlatsentinel.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xlatsentinel.agent.status.AgentStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control commands as a client sends them, against a recording agent. */
class AgentCommandsTest {
    private final List<String> done = new ArrayList<>();
    private final AgentCommands commands = new AgentCommands(() -> new AgentCommands.Service() {
        @Override
        public AgentStatus status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void drain(String instance, String reason, String who) {
            done.add("drain " + instance + ": " + reason);
        }

        @Override
        public String undrain(String instance, String who) {
            done.add("undrain " + instance);
            return "";
        }

        @Override
        public String reload(String who) {
            return "reloaded";
        }
    });
    private final ControlHandler.Caller root = new ControlHandler.Caller("root", "root");

    private static ObjectNode drain(String reason) {
        return ControlServer.JSON.createObjectNode().put("command", "drain").put("instance", "tayga")
                .put("reason", reason);
    }

    /** A line break in a reason would write a line of its own into the log (a forged "RELEASED"). */
    @Test
    void aDrainReasonCannotWriteLinesOfItsOwnIntoTheLogOrStatus() {
        assertThatThrownBy(() -> commands.handle(drain("ok\n2026-12-07T11:40:00.000Z INFO  Agent: service nat64"
                + " RELEASED: all of tayga UP"), root)).isInstanceOf(ControlException.class)
                .hasMessage("drain reason: no line breaks, tabs or other control characters (character 3 is U+000A)");
        assertThatThrownBy(() -> commands.handle(drain("x".repeat(301)), root))
                .hasMessage("drain reason: 301 characters; at most 300");
        assertThat(done).isEmpty();
    }

    @Test
    void anOrdinaryReasonInAnyScriptIsTaken() throws Exception {
        assertThat(commands.handle(drain("kernel upgrade – Jörg, ticket #42"), root).asText())
                .isEqualTo("instance tayga drained: kernel upgrade – Jörg, ticket #42");
        assertThat(done).containsExactly("drain tayga: kernel upgrade – Jörg, ticket #42");
    }
}
