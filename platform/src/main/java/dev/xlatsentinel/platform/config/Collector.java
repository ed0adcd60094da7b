package dev.xlatsentinel.platform.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The errors of one read, gathered while binding goes on: a value that does not bind is
 * recorded here and becomes null, so the rest of the file is still read and checked.
 */
final class Collector {
    private final List<FieldError> errors = new ArrayList<>();

    static Collector of(DeserializationContext ctxt) {
        return (Collector) ctxt.getAttribute(Collector.class);
    }

    /** An error at the value {@code p} stands on (or at {@code field} below it). */
    void add(JsonParser p, String field, String reason) {
        String at = FieldPath.of(p.getParsingContext(), p.currentToken());
        errors.add(FieldError.of(FieldPath.join(at, field == null ? "" : field), reason));
    }

    List<FieldError> errors() {
        return errors;
    }
}
