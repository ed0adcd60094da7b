package dev.xlatsentinel.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.xlatsentinel.platform.config.FieldError;
import dev.xlatsentinel.platform.time.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a config file (YAML, or JSON, which is YAML too) strictly and checks it whole: an
 * unknown key, a wrong type, a missing field or a bad value is an error naming its path,
 * line and column. All errors are reported at once; a file with any error is rejected
 * whole. The same checks serve {@code run}, {@code reload} and {@code check-config}.
 */
public final class ConfigLoader {
    /** The offending value in Jackson's coercion messages: {@code String value ("three")} or {@code from String "three"}. */
    private static final Pattern GOT = Pattern.compile("(?:value \\(\"?|from String \")([^\")]*)");
    private static final Pattern FIELD_MESSAGE = Pattern.compile("([A-Za-z][A-Za-z0-9.]*): (.*)", Pattern.DOTALL);

    private ConfigLoader() {
    }

    /** The strict mapper for config files. */
    public static ObjectMapper mapper() {
        SimpleModule durations = new SimpleModule("xlat-durations").addDeserializer(Duration.class,
                new DurationDeserializer());
        YAMLFactory yaml = YAMLFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        return JsonMapper.builder(yaml)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(durations)
                .build();
    }

    /** Loads and checks {@code file}; throws listing every error, or returns the checked config. */
    public static LoadedConfig load(Path file) throws ConfigException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, List.of(FieldError.of("", "no such file")));
        } catch (IOException e) {
            throw new ConfigException(file, List.of(FieldError.of("", "cannot read: " + e.getMessage())));
        }
        return load(file, content);
    }

    static LoadedConfig load(Path file, byte[] content) throws ConfigException {
        ObjectMapper mapper = mapper();
        LocationIndex where;
        try {
            where = LocationIndex.of(mapper, content);
        } catch (LocationIndex.DuplicateKey e) {
            throw new ConfigException(file, List.of(e.error));
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigException(file, List.of(new FieldError("", loc == null ? 0 : loc.getLineNr(),
                    loc == null ? 0 : loc.getColumnNr(), "not valid YAML: " + syntax(e.getOriginalMessage()))));
        } catch (IOException e) {
            throw new ConfigException(file, List.of(FieldError.of("", "cannot read: " + e.getMessage())));
        }
        AgentConfig config;
        try {
            config = mapper.readValue(content, AgentConfig.class);
        } catch (JsonMappingException e) {
            FieldError err = bindingError(e);
            if (e instanceof UnrecognizedPropertyException) {
                // Records buffer their properties: Jackson reports the end of the mapping, not the key.
                err = where.locate(FieldError.of(err.path(), err.reason()));
            }
            throw new ConfigException(file, List.of(err));
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigException(file, List.of(new FieldError("", loc == null ? 0 : loc.getLineNr(),
                    loc == null ? 0 : loc.getColumnNr(), "not valid YAML: " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new ConfigException(file, List.of(FieldError.of("", "cannot read: " + e.getMessage())));
        }
        if (config == null) {
            throw new ConfigException(file, List.of(FieldError.of("", "the file is empty")));
        }
        ConfigValidator.Result result = ConfigValidator.validate(config);
        if (!result.errors().isEmpty()) {
            List<FieldError> located = new ArrayList<>();
            for (FieldError err : result.errors()) {
                located.add(where.locate(err));
            }
            located.sort(Comparator.comparingInt(FieldError::line).thenComparingInt(FieldError::column));
            throw new ConfigException(file, located);
        }
        return new LoadedConfig(file, config, result.bfdSessions());
    }

    /**
     * SnakeYAML's multi-line message without the excerpts of the file (the line and column
     * are given already): "while parsing a flow sequence: expected ',' or ']', but got :".
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

    /** Turns Jackson's binding failure into one error with the field path and position. */
    static FieldError bindingError(JsonMappingException e) {
        String path = path(e.getPath());
        var loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        int col = loc == null ? 0 : loc.getColumnNr();
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            path = path.isEmpty() ? u.getPropertyName() : path;
            List<String> known = u.getKnownPropertyIds() == null ? List.of()
                    : u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.toList());
            message = "unknown field '" + u.getPropertyName() + "'" + (known.isEmpty() ? ""
                    : " (known here: " + String.join(", ", known) + ")");
        } else if (e instanceof InvalidFormatException f) {
            message = "expected " + typeName(f.getTargetType()) + ", got '" + f.getValue() + "'"
                    + detail(f.getOriginalMessage());
        } else if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause() == null ? v : v.getCause();
            String text = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            Matcher m = FIELD_MESSAGE.matcher(text);
            if (m.matches()) {
                path = path.isEmpty() ? m.group(1) : path + "." + m.group(1);
                message = m.group(2);
            } else {
                message = text;
            }
        } else if (e instanceof MismatchedInputException mi) {
            message = mismatch(mi);
        } else {
            message = e.getOriginalMessage();
        }
        return new FieldError(path, line, col, message);
    }

    private static String mismatch(MismatchedInputException mi) {
        String msg = mi.getOriginalMessage();
        if (msg.startsWith("No content to map due to end-of-input")) {
            return "the file is empty";
        }
        if (msg.contains("Cannot coerce") || msg.contains("Cannot deserialize value of type")) {
            Matcher got = GOT.matcher(msg);
            return "expected " + typeName(mi.getTargetType()) + (got.find() ? ", got '" + got.group(1) + "'" : "")
                    + detail(msg);
        }
        return msg;
    }

    private static String detail(String jacksonMessage) {
        int i = jacksonMessage.indexOf("a duration needs");
        if (i >= 0) {
            return ": " + jacksonMessage.substring(i);
        }
        i = jacksonMessage.indexOf("not a duration");
        if (i >= 0) {
            return ": " + jacksonMessage.substring(i).replaceAll("\\)$", "");
        }
        return "";
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "a value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Duration.class) {
            return "a duration such as \"10ms\" or \"1s\"";
        }
        if (type == String.class || type == Path.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        return "a " + type.getSimpleName();
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            }
        }
        return b.toString();
    }

    /** Durations as {@link Durations} reads them; a bare number is refused (the unit is never guessed). */
    static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Duration) ctx.handleUnexpectedToken(Duration.class, p.currentToken(), p,
                        "a duration needs a unit, e.g. \"10ms\", \"1s\", \"2m\"; got %s", p.getText());
            }
            String text = p.getText().trim();
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                return (Duration) ctx.handleWeirdStringValue(Duration.class, text, e.getMessage());
            }
        }
    }
}
