package dev.xlatsentinel.platform.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What keeps binding going after a mistake: an unknown key, a list where a mapping belongs,
 * or a record whose constructor refuses its values is recorded in the {@link Collector} and
 * skipped (the value becomes null), so one read reports every such mistake of the file.
 * Reasons are built from what Jackson passes (the key, the known keys, the target type) or
 * taken from our own exceptions ({@link FieldException}): never from Jackson's message text.
 */
final class Collecting {
    private Collecting() {
    }

    /** Unknown keys and values of the wrong shape. */
    static final class Problems extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                Object beanOrClass, String propertyName) throws IOException {
            Collection<Object> known = deserializer == null ? null : deserializer.getKnownPropertyNames();
            TreeSet<String> names = new TreeSet<>();
            if (known != null) {
                known.forEach(k -> names.add(String.valueOf(k)));
            }
            names.remove("type");
            // A record buffers the keys it does not know and replays them once it is built: the
            // main parser then stands after the record's end, in the context that names it.
            JsonParser main = ctxt.getParser();
            String at = FieldPath.of(main.getParsingContext(), main.currentToken());
            if (main.currentToken() == JsonToken.END_OBJECT) {
                at = FieldPath.join(at, propertyName);
            }
            Collector.of(ctxt).errors().add(FieldError.of(at, "unknown field '" + propertyName + "'"
                    + (names.isEmpty() ? "" : " (known here: " + String.join(", ", names) + ")")));
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                String failureMsg) throws IOException {
            Collector.of(ctxt).add(p, null, "expected " + shape(targetType.getRawClass()) + ", got " + got(t, p));
            p.skipChildren();
            return null;
        }

        @Override
        public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
                ValueInstantiator valueInsta, JsonParser p, String msg) throws IOException {
            Collector.of(ctxt).add(p, null, "expected " + shape(instClass) + ", got " + got(p.currentToken(), p));
            p.skipChildren();
            return null;
        }
    }

    /** Wraps every bean (record) deserializer so a constructor that refuses its values is one error, not the end. */
    static final class Modifier extends BeanDeserializerModifier {
        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription beanDesc,
                JsonDeserializer<?> deserializer) {
            return new Refusals(deserializer);
        }
    }

    static final class Refusals extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        Refusals(JsonDeserializer<?> d) {
            super(d);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new Refusals(newDelegatee);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            try {
                return super.deserialize(p, ctxt);
            } catch (ValueInstantiationException e) {
                Throwable cause = e.getCause();
                if (cause instanceof FieldException f) {
                    Collector.of(ctxt).add(p, f.field(), f.reason());
                } else if (cause instanceof IllegalArgumentException) {
                    Collector.of(ctxt).add(p, null, cause.getMessage());
                } else {
                    throw e;
                }
                return null;
            }
        }
    }

    /** How a target type is named in "expected ..., got ...". */
    static String shape(Class<?> type) {
        if (List.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || type.isInterface()) {
            return "a mapping";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        return "a " + type.getSimpleName();
    }

    private static String got(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.START_ARRAY) {
            return "a list";
        }
        if (t == JsonToken.START_OBJECT) {
            return "a mapping";
        }
        return t == null ? "nothing" : "'" + p.getText() + "'";
    }
}
