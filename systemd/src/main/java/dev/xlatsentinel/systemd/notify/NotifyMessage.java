package dev.xlatsentinel.systemd.notify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One notification: newline-separated {@code VARIABLE=value} assignments sent as a single
 * datagram (sd_notify(3)). Immutable; {@link #and} returns a new message.
 */
public final class NotifyMessage {
    /**
     * systemd 252 reads at most PIPE_BUF (4096) bytes per datagram and drops a truncated one,
     * so a longer message would be silently lost.
     */
    public static final int MAX_BYTES = 4096;

    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    private final List<String> assignments;

    private NotifyMessage(List<String> assignments) {
        this.assignments = List.copyOf(assignments);
    }

    /** A message with one assignment; the name must be upper case, the value one line. */
    public static NotifyMessage of(String name, String value) {
        return new NotifyMessage(List.of()).and(name, value);
    }

    /** This message plus one more assignment. */
    public NotifyMessage and(String name, String value) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("notification variable name must match " + NAME + ": " + name);
        }
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("notification " + name + "= must be one line without NUL: "
                    + (value == null ? "null" : value.replace("\n", "\\n")));
        }
        List<String> more = new ArrayList<>(assignments);
        more.add(name + "=" + value);
        NotifyMessage m = new NotifyMessage(more);
        int size = m.encode().length;
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException("notification is " + size + " bytes, more than systemd reads ("
                    + MAX_BYTES + "): " + name + "=" + value.substring(0, Math.min(60, value.length())) + "...");
        }
        return m;
    }

    /** The datagram's bytes (UTF-8, assignments separated by newlines, no trailing newline). */
    public byte[] encode() {
        return String.join("\n", assignments).getBytes(StandardCharsets.UTF_8);
    }

    /** The assignments in order, e.g. {@code [READY=1, STATUS=serving]}. */
    public List<String> assignments() {
        return assignments;
    }

    @Override
    public String toString() {
        return String.join(" ", assignments);
    }
}
