package dev.xlatsentinel.frr.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * {@code show running-config} of one daemon as a tree by indentation, the way FRR writes it:
 * a node's lines are indented one space more than the node
 * ({@code bfd} / {@code " peer ..."} / {@code "  receive-interval 50"}). Comment lines
 * ({@code !}) and the node-closing lines ({@code exit}, {@code exit-address-family},
 * {@code exit-vrf}, {@code end}) carry no configuration and are dropped.
 */
public final class RunningConfig {
    /** One configuration line and the lines nested under it. */
    public record Line(String text, List<Line> children) {
        /** The first child whose text starts with {@code prefix}. */
        public Optional<Line> child(String prefix) {
            return children.stream().filter(c -> c.text.startsWith(prefix)).findFirst();
        }

        public List<Line> children(String prefix) {
            return children.stream().filter(c -> c.text.startsWith(prefix)).toList();
        }

        /** Whitespace-separated words of the line. */
        public List<String> words() {
            return List.of(text.split("\\s+"));
        }
    }

    private final List<Line> top;

    private RunningConfig(List<Line> top) {
        this.top = top;
    }

    public static RunningConfig parse(String text) {
        Line root = new Line("", new ArrayList<>());
        Deque<Line> stack = new ArrayDeque<>();
        Deque<Integer> indents = new ArrayDeque<>();
        stack.push(root);
        indents.push(-1);
        for (String raw : text.split("\n")) {
            String line = raw.stripTrailing();
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("!") || isExit(trimmed)) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            while (indents.peek() >= indent) {
                stack.pop();
                indents.pop();
            }
            Line node = new Line(trimmed, new ArrayList<>());
            stack.peek().children().add(node);
            stack.push(node);
            indents.push(indent);
        }
        return new RunningConfig(root.children());
    }

    /** Top-level lines (e.g. {@code bfd}, {@code ipv6 route ...}, {@code router bgp 65001}). */
    public List<Line> top() {
        return top;
    }

    public Optional<Line> top(String prefix) {
        return top.stream().filter(l -> l.text().startsWith(prefix)).findFirst();
    }

    private static boolean isExit(String s) {
        return s.equals("exit") || s.equals("end") || s.equals("exit-address-family") || s.equals("exit-vrf");
    }
}
