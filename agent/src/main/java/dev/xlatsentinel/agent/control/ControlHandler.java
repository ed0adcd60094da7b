package dev.xlatsentinel.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Answers one control request: {@code {"command": "...", ...arguments}}. */
@FunctionalInterface
public interface ControlHandler {
    /**
     * @param request the whole request object (its {@code command} field names the command)
     * @param caller  who asked (for the log: drains record who did them)
     * @return the result, sent back as {@code {"ok": true, "result": ...}}
     * @throws ControlException sent back as {@code {"ok": false, "error": message}}
     */
    JsonNode handle(ObjectNode request, Caller caller) throws ControlException;

    /** The peer of a control connection, from SO_PEERCRED. */
    record Caller(String user, String group) {
        @Override
        public String toString() {
            return user + ":" + group;
        }
    }
}
