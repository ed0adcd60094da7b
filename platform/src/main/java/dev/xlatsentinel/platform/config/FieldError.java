package dev.xlatsentinel.platform.config;

/**
 * One thing wrong with an input: the path of the field ({@code services.lower.bfd[0].minTx}),
 * where it is in the file (line and column from 1; 0 when unknown or the field is absent) and
 * why. Errors are data: code that reports them reads these fields, never takes a message apart.
 */
public record FieldError(String path, int line, int column, String reason) {

    public FieldError {
        path = path == null ? "" : path;
    }

    /** An error not yet placed in a file. */
    public static FieldError of(String path, String reason) {
        return new FieldError(path, 0, 0, reason);
    }

    /** The same error at {@code line}, {@code column}. */
    public FieldError at(int newLine, int newColumn) {
        return new FieldError(path, newLine, newColumn, reason);
    }

    /** The same error with its path under {@code parent} ({@code bfd[0]} under {@code services.a}). */
    public FieldError under(String parent) {
        if (parent == null || parent.isEmpty()) {
            return this;
        }
        String p = path.isEmpty() ? parent : path.startsWith("[") ? parent + path : parent + "." + path;
        return new FieldError(p, line, column, reason);
    }

    /** {@code line L, column C: PATH: REASON}, the form every error is shown in. */
    @Override
    public String toString() {
        String where = line > 0 ? "line " + line + ", column " + column + ": " : "";
        return where + (path.isEmpty() ? "" : path + ": ") + reason;
    }
}
