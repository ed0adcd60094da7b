package dev.xlatsentinel.agent.config;

/**
 * One thing wrong with a config file: the path of the field (e.g.
 * {@code services.lower.bfd[0].min-tx}), what is wrong, and where in the file (line and
 * column from 1; 0 when the field is absent from the file).
 */
public record ConfigError(String path, String message, int line, int column) {
    public ConfigError(String path, String message) {
        this(path, message, 0, 0);
    }

    ConfigError at(int newLine, int newColumn) {
        return new ConfigError(path, message, newLine, newColumn);
    }

    /** {@code line L, column C: PATH: MESSAGE}, the form every error is shown in. */
    @Override
    public String toString() {
        String where = line > 0 ? "line " + line + ", column " + column + ": " : "";
        return where + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
