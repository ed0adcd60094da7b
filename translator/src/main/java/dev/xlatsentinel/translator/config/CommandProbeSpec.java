package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code type: command}: A command (argv, no shell) that passes on exit status 0, run in {@code namespace} (default: the instance's). */
@JsonIgnoreProperties({"type"})
public record CommandProbeSpec(String name, List<String> command, String namespace) implements ProbeSpec {
    @Override
    public String type() {
        return "command";
    }
}
