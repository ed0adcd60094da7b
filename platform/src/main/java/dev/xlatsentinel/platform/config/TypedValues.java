package dev.xlatsentinel.platform.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.xlatsentinel.platform.net.HostPort;
import dev.xlatsentinel.platform.net.InterfaceAddress;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.net.IpPrefix;
import dev.xlatsentinel.platform.time.Durations;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * How a scalar of the file becomes a typed value: numbers, booleans and strings strictly (no
 * coercion: {@code "3"} is not a number), durations with a unit, addresses as literals
 * (never a name lookup), prefixes without host bits, HOST:PORT. A value that does not bind is
 * recorded with the reason the parser gave and becomes null; nothing is taken from
 * Jackson's own messages.
 */
final class TypedValues {
    private TypedValues() {
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("xlat-typed-values");
        m.addDeserializer(String.class, scalar("a string", JsonToken.VALUE_STRING, p -> p.getText(), null));
        m.addDeserializer(Integer.class, scalar("a whole number", JsonToken.VALUE_NUMBER_INT, TypedValues::integer,
                null));
        m.addDeserializer(Long.class, scalar("a whole number", JsonToken.VALUE_NUMBER_INT, JsonParser::getLongValue,
                null));
        m.addDeserializer(Double.class, new Scalar<>("a number", null, p -> p.getDoubleValue(), null) {
            @Override
            boolean accepts(JsonToken t) {
                return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
            }
        });
        m.addDeserializer(Boolean.class, new Scalar<>("true or false", null, JsonParser::getBooleanValue, null) {
            @Override
            boolean accepts(JsonToken t) {
                return t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE;
            }
        });
        m.addDeserializer(Duration.class, text("a duration such as \"10ms\" or \"1s\"", Durations::parse,
                "a duration needs a unit, e.g. \"10ms\", \"1s\", \"2m\""));
        m.addDeserializer(Path.class, text("a path", Path::of, null));
        m.addDeserializer(InetAddress.class, text("an IP address", IpAddresses::parse, null));
        m.addDeserializer(Inet4Address.class, text("an IPv4 address", IpAddresses::ipv4, null));
        m.addDeserializer(Inet6Address.class, text("an IPv6 address", IpAddresses::ipv6, null));
        m.addDeserializer(IpPrefix.class, text("a prefix such as 64:ff9b::/96", IpPrefix::parse, null));
        m.addDeserializer(InterfaceAddress.class, text("an address with its prefix length",
                InterfaceAddress::parse, null));
        m.addDeserializer(HostPort.class, text("HOST:PORT", HostPort::parse, null));
        return m;
    }

    /** A string scalar turned into a value by {@code parse}, whose IllegalArgumentException is the reason. */
    static <T> JsonDeserializer<T> text(String what, Function<String, T> parse, String notAString) {
        return new Scalar<>(what, JsonToken.VALUE_STRING, p -> parse.apply(p.getText().strip()), notAString);
    }

    private static <T> JsonDeserializer<T> scalar(String what, JsonToken token, Reader<T> read, String notThat) {
        return new Scalar<>(what, token, read, notThat);
    }

    private static Integer integer(JsonParser p) throws IOException {
        long v = p.getLongValue();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(v + " is outside " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    @FunctionalInterface
    interface Reader<T> {
        T read(JsonParser p) throws IOException;
    }

    /** One kind of scalar; anything else (another scalar, a list, a mapping) is an error, skipped. */
    static class Scalar<T> extends JsonDeserializer<T> {
        private final String what;
        private final JsonToken token;
        private final Reader<T> read;
        private final String wrongToken;

        Scalar(String what, JsonToken token, Reader<T> read, String wrongToken) {
            this.what = what;
            this.token = token;
            this.read = read;
            this.wrongToken = wrongToken;
        }

        boolean accepts(JsonToken t) {
            return t == token;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (!accepts(t)) {
                String got = t.isStructStart() ? (t == JsonToken.START_ARRAY ? "a list" : "a mapping")
                        : "'" + p.getText() + "'";
                Collector.of(ctxt).add(p, null, wrongToken != null && t.isScalarValue()
                        ? wrongToken + "; got " + p.getText() : "expected " + what + ", got " + got);
                p.skipChildren();
                return null;
            }
            try {
                return read.read(p);
            } catch (FieldException e) {
                Collector.of(ctxt).add(p, e.field(), e.reason());
            } catch (IllegalArgumentException e) {
                Collector.of(ctxt).add(p, null, e.getMessage());
            }
            return null;
        }
    }
}
