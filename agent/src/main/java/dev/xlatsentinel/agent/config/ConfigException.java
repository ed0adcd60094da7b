package dev.xlatsentinel.agent.config;

import dev.xlatsentinel.platform.config.FieldError;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A config file was rejected whole; every error found is listed. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<FieldError> errors;

    public ConfigException(Path file, List<FieldError> errors) {
        super(file + ": " + errors.size() + (errors.size() == 1 ? " error" : " errors") + "\n"
                + errors.stream().map(e -> "  " + file + ": " + e).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
