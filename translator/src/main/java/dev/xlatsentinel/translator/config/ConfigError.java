package dev.xlatsentinel.translator.config;

/** One problem in the config: the field's path (e.g. {@code instances.lower.probes[1].targets}) and what is wrong. */
public record ConfigError(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
