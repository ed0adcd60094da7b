package dev.xlatsentinel.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xlatsentinel.platform.config.FieldError;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a config file is (line, column), by the same dotted path the errors
 * use ({@code services.lower.bfd[0].peer}), so semantic errors found after binding still
 * point at the line to fix.
 */
final class LocationIndex {
    private final Map<String, int[]> where = new HashMap<>();

    /**
     * Indexes {@code content}; a key that appears twice in one mapping is reported as a
     * {@link FieldError} with its full path (the binder would name only the enclosing field).
     */
    static LocationIndex of(ObjectMapper mapper, byte[] content) throws IOException, DuplicateKey {
        LocationIndex index = new LocationIndex();
        try (JsonParser p = mapper.getFactory().createParser(content)) {
            while (nextToken(p) != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME || p.currentToken().isScalarValue()
                        || p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
                    String path = path(p.getParsingContext(), p.currentToken());
                    JsonLocation loc = p.currentTokenLocation();
                    index.where.putIfAbsent(path, new int[] {loc.getLineNr(), loc.getColumnNr()});
                }
            }
        }
        return index;
    }

    /** A key repeated in one mapping: the error names it. */
    static final class DuplicateKey extends Exception {
        private static final long serialVersionUID = 1L;
        final transient FieldError error;

        DuplicateKey(FieldError error) {
            super(error.toString());
            this.error = error;
        }
    }

    private static JsonToken nextToken(JsonParser p) throws IOException, DuplicateKey {
        try {
            return p.nextToken();
        } catch (com.fasterxml.jackson.core.exc.StreamReadException e) {
            String msg = e.getOriginalMessage();
            if (msg != null && msg.startsWith("Duplicate field '")) {
                String key = msg.substring("Duplicate field '".length(), msg.indexOf('\'', 17));
                String parent = path(p.getParsingContext(), JsonToken.FIELD_NAME);
                int cut = parent.lastIndexOf('.');
                // The context already moved to the repeated key's name: drop it, then add it back.
                String base = parent.endsWith(key) ? (cut < 0 ? "" : parent.substring(0, cut)) : parent;
                JsonLocation loc = e.getLocation();
                throw new DuplicateKey(new FieldError(base.isEmpty() ? key : base + "." + key,
                        loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(),
                        "appears twice in the same mapping"));
            }
            throw e;
        }
    }

    /** The error with its line and column, or the nearest enclosing field's when absent. */
    FieldError locate(FieldError e) {
        if (e.line() > 0) {
            return e;
        }
        String path = e.path();
        while (!path.isEmpty()) {
            int[] loc = where.get(path);
            if (loc != null) {
                return e.at(loc[0], loc[1]);
            }
            int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            path = cut <= 0 ? "" : path.substring(0, cut);
        }
        return e;
    }

    private static String path(JsonStreamContext ctx, JsonToken token) {
        Deque<String> parts = new ArrayDeque<>();
        // A START_OBJECT/ARRAY token already opened its own context: name it by its parent's entry.
        JsonStreamContext c = token.isStructStart() ? ctx.getParent() : ctx;
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject()) {
                if (c.getCurrentName() != null) {
                    parts.push("." + c.getCurrentName());
                }
            } else if (c.inArray()) {
                parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            }
        }
        String s = String.join("", parts);
        return s.startsWith(".") ? s.substring(1) : s;
    }
}
