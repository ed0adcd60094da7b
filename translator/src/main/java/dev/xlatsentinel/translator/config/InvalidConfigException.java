package dev.xlatsentinel.translator.config;

import java.util.List;
import java.util.stream.Collectors;

/** The config has errors; all of them, one per line, each naming its field. */
public class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigError> errors;

    public InvalidConfigException(List<ConfigError> errors) {
        super("invalid translator config:\n" + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
