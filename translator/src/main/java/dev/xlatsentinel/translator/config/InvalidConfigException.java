package dev.xlatsentinel.translator.config;

import dev.xlatsentinel.platform.config.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/** The config has errors; all of them, one per line, each naming its field. */
public class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<FieldError> errors;

    public InvalidConfigException(List<FieldError> errors) {
        super("invalid translator config:\n" + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
