package dev.xlatsentinel.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.xlatsentinel.agent.status.AgentStatus;
import java.util.function.Supplier;

/**
 * The commands the control socket answers, as the CLI sends them:
 * {@code {"command":"status"}}, {@code {"command":"drain","instance":"lower","reason":"..."}}
 * ({@code instance} absent: all), {@code undrain}, {@code reload}.
 */
public final class AgentCommands implements ControlHandler {
    /** Status, drains and reload, as the running daemon implements them. */
    public interface Service {
        AgentStatus status();

        void drain(String instance, String reason, String who);

        /** Ends a drain; returns what still drains it ({@code ""} when nothing), appended to the reply. */
        String undrain(String instance, String who);

        /** Reloads the config file; returns a one-line summary or throws with every error. */
        String reload(String who) throws ControlException;
    }

    /** JSON as the status schema is documented: ISO-8601 times, no nulls dropped. */
    public static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final Supplier<Service> daemon;

    public AgentCommands(Supplier<Service> daemon) {
        this.daemon = daemon;
    }

    /** The longest drain reason: one line of a log and of the status table. */
    static final int MAX_REASON = 300;

    /**
     * A reason goes into the log and the status table as it is: a line break in it would write
     * lines of its own there (a forged "service ... RELEASED" under a real withdrawal).
     */
    private static void checkReason(String reason) throws ControlException {
        if (reason.length() > MAX_REASON) {
            throw new ControlException("drain reason: " + reason.length() + " characters; at most " + MAX_REASON);
        }
        for (int i = 0; i < reason.length(); i++) {
            if (Character.isISOControl(reason.charAt(i))) {
                throw new ControlException("drain reason: no line breaks, tabs or other control characters"
                        + " (character " + (i + 1) + " is U+" + String.format("%04X", (int) reason.charAt(i)) + ")");
            }
        }
    }

    @Override
    public JsonNode handle(ObjectNode request, Caller caller) throws ControlException {
        Service d = daemon.get();
        String who = caller.toString();
        String instance = request.hasNonNull("instance") ? request.get("instance").asText() : null;
        try {
            switch (request.path("command").asText()) {
                case "status":
                    return JSON.valueToTree(d.status());
                case "drain": {
                    String reason = request.path("reason").asText("");
                    if (reason.isBlank()) {
                        throw new ControlException("drain needs a reason (--reason TEXT): it is logged and shown");
                    }
                    checkReason(reason);
                    d.drain(instance, reason, who);
                    return TextNode.valueOf((instance == null ? "every instance" : "instance " + instance)
                            + " drained: " + reason);
                }
                case "undrain":
                    String still = d.undrain(instance, who);
                    return TextNode.valueOf((instance == null ? "every instance" : "instance " + instance)
                            + " undrained" + still);
                case "reload":
                    return TextNode.valueOf(d.reload(who));
                default:
                    throw new ControlException("unknown command '" + request.path("command").asText()
                            + "' (status, drain, undrain, reload)");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ControlException(e.getMessage());
        }
    }
}
