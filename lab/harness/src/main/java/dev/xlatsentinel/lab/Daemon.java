package dev.xlatsentinel.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process that the lab started in the foreground (inside a namespace) and
 * that it stops at teardown. stdout and stderr go to {@link #log()}.
 */
public final class Daemon implements AutoCloseable {
    private final String label;
    private final List<String> argv;
    private final Process process;
    private final Path log;

    Daemon(String label, List<String> argv, Path log) {
        this.label = label;
        this.argv = List.copyOf(argv);
        this.log = log;
        try {
            this.process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new LabException("cannot start " + label + " (" + String.join(" ", argv) + "): " + e.getMessage(), e);
        }
    }

    public String label() {
        return label;
    }

    /** The daemon's own PID (`ip netns exec` execs the command, so it is the same process). */
    public long pid() {
        return process.pid();
    }

    /** Running and not a zombie: this JVM is the parent, so an exited daemon is reaped at once. */
    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Sends a signal by name (TERM, KILL, STOP, CONT, HUP, ...). */
    public void signal(String name) {
        Cmd.run("kill", "-" + name, Long.toString(process.pid()));
    }

    /** Waits for the process to exit and returns its status; throws if it is still running. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LabException(label + " still running after " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted waiting for " + label, e);
        }
        return process.exitValue();
    }

    /** Stops the daemon: SIGCONT (it may be frozen), SIGTERM, then SIGKILL after a grace period. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        Cmd.exec(List.of("kill", "-CONT", Long.toString(process.pid())));
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return label + " pid " + process.pid() + " (" + String.join(" ", argv) + ")";
    }
}
