package dev.xlatsentinel.platform.config;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The config pipeline's first half: a YAML (or JSON) file bound to typed records in one
 * pass, with every mistake the parser lets it see reported, each as a {@link FieldError}
 * with path, line, column and reason: unknown keys, keys written twice, values of the wrong
 * type, values their type refuses (an address that is not one, a duration without unit, a
 * prefix with host bits) and records whose constructor refuses a field. A value that does
 * not bind becomes null and binding goes on. Only a syntax error stops the read: the parser
 * cannot go past it.
 *
 * <p>The second half is the caller's: checks across fields (references resolve, ranges hold)
 * on the bound value, added with {@link Result#with(List)}, which places and orders them.
 *
 * <pre>{@code
 * ConfigReader.Result<AgentConfig> r = new ConfigReader().read(bytes, AgentConfig.class);
 * if (r.value() != null) r = r.with(ConfigValidator.validate(r.value()));
 * if (!r.errors().isEmpty()) ... // every error, in file order
 * }</pre>
 */
public final class ConfigReader {
    private final ObjectMapper mapper;

    /** A reader for the platform's types (durations, addresses, prefixes, HOST:PORT) and {@code modules}. */
    public ConfigReader(Module... modules) {
        YAMLFactory yaml = YAMLFactory.builder().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        JsonMapper.Builder b = JsonMapper.builder(yaml)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addHandler(new Collecting.Problems())
                .addModule(TypedValues.module())
                .addModule(new SimpleModule("xlat-refusals").setDeserializerModifier(new Collecting.Modifier()));
        for (Module m : modules) {
            b.addModule(m);
        }
        this.mapper = b.build();
    }

    /** The errors of one file, or of one check of it, and the value when the file could be bound. */
    public static final class Result<T> {
        private final T value;
        private final List<FieldError> errors;
        private final Locations where;

        private Result(T value, List<FieldError> errors, Locations where) {
            this.value = value;
            this.errors = errors;
            this.where = where;
        }

        /** The bound value (fields that did not bind are null), or null when nothing could be bound. */
        public T value() {
            return value;
        }

        /** Every error, with its line and column where the file has the field, in file order. */
        public List<FieldError> errors() {
            return errors;
        }

        /**
         * This result with {@code more} errors (checks across fields), placed in the file.
         * An error about a field that did not bind, or that lies inside or around one, is
         * dropped: a value that did not bind is not reported again as missing.
         */
        public Result<T> with(List<FieldError> more) {
            List<FieldError> all = new ArrayList<>(errors);
            for (FieldError e : more) {
                // Only against what binding found: checks may well say two things about one field.
                if (errors.stream().noneMatch(x -> FieldPath.overlap(x.path(), e.path()))) {
                    all.add(where.locate(e));
                }
            }
            return new Result<>(value, sorted(all), where);
        }
    }

    public <T> Result<T> read(byte[] content, Class<T> type) {
        Locations where = Locations.scan(mapper.getFactory(), content);
        if (where.errors().stream().anyMatch(e -> e.path().isEmpty())) {
            return new Result<>(null, where.errors(), where); // not valid YAML: the parser stopped
        }
        if (where.empty()) {
            return new Result<>(null, List.of(FieldError.of("", "the file is empty")), where);
        }
        Collector collected = new Collector();
        T value;
        List<FieldError> errors = new ArrayList<>(where.errors());
        try {
            value = mapper.readerFor(type).withAttribute(Collector.class, collected).readValue(content);
        } catch (JsonMappingException e) {
            // A mistake binding could not step over: reported alone, at the path Jackson gives.
            value = null;
            errors.add(FieldError.of(path(e.getPath()), e.getOriginalMessage()));
        } catch (IOException e) {
            value = null;
            errors.add(FieldError.of("", "cannot read: " + e.getMessage()));
        }
        for (FieldError e : collected.errors()) {
            if (errors.stream().noneMatch(x -> FieldPath.overlap(x.path(), e.path()))) {
                errors.add(e);
            }
        }
        List<FieldError> located = new ArrayList<>();
        errors.forEach(e -> located.add(where.locate(e)));
        return new Result<>(value, sorted(located), where);
    }

    private static List<FieldError> sorted(List<FieldError> errors) {
        List<FieldError> s = new ArrayList<>(errors);
        s.sort(Comparator.comparingInt(FieldError::line).thenComparingInt(FieldError::column));
        return List.copyOf(s);
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                b.append(b.length() > 0 ? "." : "").append(r.getFieldName());
            }
        }
        return b.toString();
    }
}
