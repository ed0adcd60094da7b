package dev.xlatsentinel.platform.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each field of a file is (line, column), by the path errors use, so an error found
 * after binding still points at the line to fix. The same pass finds keys written twice in
 * one mapping (every one of them) and, when the file is not valid YAML, the first place the
 * parser could not go past.
 */
final class Locations {
    private final Map<String, int[]> where = new HashMap<>();
    private final List<FieldError> errors = new ArrayList<>();
    private boolean empty = true;

    static Locations scan(JsonFactory factory, byte[] content) {
        Locations l = new Locations();
        Deque<Set<String>> keys = new ArrayDeque<>();
        try (JsonParser p = factory.createParser(content)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                l.empty = false;
                if (t == JsonToken.START_OBJECT) {
                    keys.push(new HashSet<>());
                } else if (t == JsonToken.END_OBJECT) {
                    keys.pop();
                }
                String path = FieldPath.of(p.getParsingContext(), t);
                JsonLocation loc = p.currentTokenLocation();
                if (t == JsonToken.FIELD_NAME && !keys.isEmpty() && !keys.peek().add(p.currentName())) {
                    l.errors.add(new FieldError(path, loc.getLineNr(), loc.getColumnNr(),
                            "appears twice in the same mapping"));
                }
                if (!t.isStructEnd()) {
                    l.where.putIfAbsent(path, new int[] {loc.getLineNr(), loc.getColumnNr()});
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            l.errors.add(new FieldError("", loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(),
                    "not valid YAML: " + syntax(e.getOriginalMessage())));
        } catch (IOException e) {
            l.errors.add(FieldError.of("", "cannot read: " + e.getMessage()));
        }
        return l;
    }

    /** Keys written twice, or the syntax error; empty when the file parsed. */
    List<FieldError> errors() {
        return errors;
    }

    /** True when the file holds nothing but comments and blank lines. */
    boolean empty() {
        return empty;
    }

    /** The error with its line and column, or those of the nearest enclosing field. */
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

    /**
     * SnakeYAML's multi-line message without its excerpts of the file (the line and column
     * are given already): "while parsing a flow sequence: expected ',' or ']', but got :".
     * The only message taken apart here, and only into lines: no field is rebuilt from it.
     */
    static String syntax(String message) {
        List<String> kept = new ArrayList<>();
        for (String line : message.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || line.startsWith(" ") || t.startsWith("in 'reader'") || t.equals("^")) {
                continue;
            }
            kept.add(t);
        }
        return kept.isEmpty() ? message.strip() : String.join(": ", kept);
    }
}
