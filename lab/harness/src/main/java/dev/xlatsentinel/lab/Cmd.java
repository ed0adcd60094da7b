package dev.xlatsentinel.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a short command to completion, bounded in time. */
public final class Cmd {
    /** What a finished command left: its exit status and both outputs. */
    public record Result(List<String> argv, int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }

        /** Returns stdout, or throws with the command, status and stderr if it failed. */
        public String orThrow() {
            if (exit != 0) {
                throw new LabException(String.join(" ", argv) + " exited " + exit + ": " + stderr.strip()
                        + (stdout.isBlank() ? "" : " | stdout: " + stdout.strip()));
            }
            return stdout;
        }
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private Cmd() {
    }

    public static Result exec(List<String> argv) {
        return exec(DEFAULT_TIMEOUT, argv);
    }

    public static Result exec(Duration timeout, List<String> argv) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new LabException("cannot start " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new LabException(String.join(" ", argv) + " did not finish within " + timeout);
            }
            return new Result(List.copyOf(argv), p.exitValue(), out.get(5, TimeUnit.SECONDS),
                    err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + String.join(" ", argv), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new LabException("cannot read the output of " + String.join(" ", argv), e);
        }
    }

    /** Runs the command in the root namespace and returns stdout; throws if it fails. */
    public static String run(String... argv) {
        return exec(List.of(argv)).orThrow();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
