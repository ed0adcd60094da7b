package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a DOWN's hold-downs run when done ({@link InstanceListener.HeldDown}: the figure logged,
 * the agent loop woken, so the status says WITHDRAWN) is loaded with the listener at the agent's
 * start, not read from the jar on the first DOWN of its life (as a lambda there was made:
 * 3-10 ms before the status said WITHDRAWN, docs/failover.md "The first fault"). Only a fresh
 * JVM can tell: {@link Run} loads the listener, then touches the completion, with class
 * loading logged.
 */
class FirstDownLinkedTest {
    @Test
    void theHoldDownsCompletionIsLoadedWithTheListener() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = Files.createTempFile("first-down", ".log");
        String out;
        boolean ended;
        Process p = new ProcessBuilder(java.toString(), "-Xlog:class+load=info:stdout:none", "-cp",
                System.getProperty("java.class.path"), Run.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            ended = p.waitFor(60, TimeUnit.SECONDS); // bounded: two class loads
            if (!ended) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            out = Files.readString(log, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
        }
        assertThat(ended).as("the run ended").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        int from = lines.indexOf("MARK listener loaded");
        int to = lines.indexOf("MARK completion touched");
        assertThat(from).as(out).isNotNegative();
        assertThat(to).isGreaterThan(from);
        assertThat(lines.subList(0, from)).as("the completion is loaded with the listener")
                .anyMatch(l -> l.contains("InstanceListener$HeldDown source:"));
        assertThat(lines.subList(from + 1, to)).as("classes loaded on the first DOWN's completion")
                .noneMatch(l -> l.contains(" source: "));
    }

    /** Loads the listener as the agent's start does, then the class its first DOWN would need. */
    static final class Run {
        public static void main(String[] args) throws ClassNotFoundException {
            ClassLoader l = Run.class.getClassLoader();
            Class.forName(InstanceListener.class.getName(), true, l);
            System.out.println("MARK listener loaded");
            Class.forName(InstanceListener.class.getName() + "$HeldDown", true, l);
            System.out.println("MARK completion touched");
        }
    }
}
