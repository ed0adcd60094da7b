package dev.xlatsentinel.bfd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xlatsentinel.lab.LabException;
import dev.xlatsentinel.lab.Netns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchNode} JVM started inside a namespace ({@code ip netns exec} execs it, so
 * its PID is the JVM's), with the JVM flags under test and this JVM's class path. Its
 * {@code BENCH} lines are the answers; every line also goes to a log in the lab directory.
 */
final class NodeProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String label;
    private final Process process;
    private final Instant startedAt;
    private final PrintWriter stdin;
    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final Path log;

    private NodeProcess(String label, Process process, Instant startedAt, Path log) {
        this.label = label;
        this.process = process;
        this.startedAt = startedAt;
        this.log = log;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
        Thread t = new Thread(this::readLines, "node-" + label);
        t.setDaemon(true);
        t.start();
    }

    static NodeProcess start(Netns ns, String label, List<String> wrapper, List<String> jvmFlags,
            java.util.Map<String, String> env, List<String> nodeArgs) {
        List<String> argv = new ArrayList<>(wrapper);
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(jvmFlags);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchNode.class.getName()));
        argv.addAll(nodeArgs);
        Path log = ns.lab().dir().resolve("node-" + label + ".log");
        Instant at = Instant.now();
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(ns.inside(argv.toArray(String[]::new))).redirectErrorStream(true);
            pb.environment().putAll(env);
            p = pb.start();
        } catch (IOException e) {
            throw new LabException("cannot start the bench node: " + e.getMessage(), e);
        }
        return ns.lab().register(new NodeProcess(label, p, at, log));
    }

    long pid() {
        return process.pid();
    }

    /** When the process was started (just before fork), wall clock. */
    Instant startedAt() {
        return startedAt;
    }

    Path log() {
        return log;
    }

    /** Waits for the next answer, which must be {@code event}. */
    JsonNode await(String event, Duration timeout) {
        try {
            JsonNode n = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (n == null) {
                throw new LabException(label + ": no '" + event + "' within " + timeout + " (alive "
                        + process.isAlive() + "); log " + log);
            }
            if (!event.equals(n.path("event").asText())) {
                throw new LabException(label + ": expected '" + event + "', got " + n);
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }

    /** Sends a command and returns its answer. */
    JsonNode command(String command, String event) {
        stdin.println(command);
        return await(event, Duration.ofSeconds(30));
    }

    JsonNode status() {
        return command("status", "status");
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null;) {
                out.write(line);
                out.write('\n');
                if (line.startsWith("BENCH ")) {
                    out.flush();
                    replies.add(JSON.readTree(line.substring(6)));
                }
            }
        } catch (IOException e) {
            // The process ended; await() reports a missing answer.
        }
    }

    /** Asks the node to stop silently, then makes sure it is gone. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                stdin.println("quit");
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "bench node " + label;
    }
}
