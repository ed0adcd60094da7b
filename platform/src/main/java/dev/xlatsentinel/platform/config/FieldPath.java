package dev.xlatsentinel.platform.config;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.util.ArrayDeque;
import java.util.Deque;

/** The dotted path of the value a parser stands on ({@code services.lower.bfd[0].peer}), as errors name it. */
final class FieldPath {
    private FieldPath() {
    }

    /**
     * The path of the value at {@code token} in {@code ctx}. A token that opens an object or
     * a list has opened its own context already: the value is named by its parent's entry.
     * One that closes it has returned to the parent's context, which names it.
     */
    static String of(JsonStreamContext ctx, JsonToken token) {
        JsonStreamContext c = token != null && token.isStructStart() ? ctx.getParent() : ctx;
        Deque<String> parts = new ArrayDeque<>();
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

    /** {@code child} under {@code parent}: {@code a.b}, {@code a[0]}, or either alone. */
    static String join(String parent, String child) {
        if (parent.isEmpty()) {
            return child;
        }
        if (child.isEmpty()) {
            return parent;
        }
        return child.startsWith("[") ? parent + child : parent + "." + child;
    }

    /** Whether one path is the other or lies inside it. */
    static boolean overlap(String a, String b) {
        return a.equals(b) || inside(a, b) || inside(b, a);
    }

    private static boolean inside(String inner, String outer) {
        return outer.isEmpty() ? !inner.isEmpty()
                : inner.startsWith(outer) && (inner.charAt(outer.length()) == '.' || inner.charAt(outer.length()) == '[');
    }
}
