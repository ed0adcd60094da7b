package dev.xlatsentinel.platform.process;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.platform.time.Scheduler;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a short command (a probe's, a hook's), in the network namespace it belongs to, bounded
 * in time and in memory: killed (with its children) at the timeout; stdout kept up to {@value #MAX_KEPT} characters while all its
 * lines are counted (a BIB can have millions of rows); stderr kept up to 4096 characters.
 * The future always completes normally; a command that cannot start says why in
 * {@link Result#startError()}.
 */
public final class Subprocess {
    static final int MAX_KEPT = 1 << 20;
    private static final int MAX_STDERR = 4096;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "subprocess-io-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final Scheduler scheduler;

    public Subprocess(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * @param exit        exit status (-1 if it did not start or was killed at the timeout)
     * @param stdout      standard output, cut at {@value #MAX_KEPT} characters ({@code truncated})
     * @param lines       number of stdout lines in total
     * @param startError  why the command could not start, or null
     */
    public record Result(List<String> argv, int exit, String stdout, long lines, boolean truncated, String stderr,
            boolean timedOut, Duration timeout, String startError) {
        public boolean ok() {
            return startError == null && !timedOut && exit == 0;
        }

        /** The command as typed, for reasons. */
        public String command() {
            return String.join(" ", argv);
        }

        /** Why it failed, in one line; empty when ok. */
        public String failure() {
            if (startError != null) {
                return startError;
            }
            if (timedOut) {
                return "'" + command() + "' did not finish within " + Durations.format(timeout) + " (killed)";
            }
            if (exit != 0) {
                String first = firstLine(stderr.isBlank() ? stdout : stderr);
                return "'" + command() + "' exited " + exit + (first.isEmpty() ? "" : ": " + first);
            }
            return "";
        }
    }

    /** The first non-blank line of {@code text}, stripped, or "". */
    public static String firstLine(String text) {
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    /**
     * A process builder for a child of the agent, without the variables through which systemd
     * speaks to the agent's own process (NOTIFY_SOCKET, WATCHDOG_*, LISTEN_*). A child must not
     * inherit them (sd_notify(3) unsets NOTIFY_SOCKET for this reason): with NotifyAccess=main,
     * systemd logs every notification a child sends ("reception only permitted for main PID").
     */
    public static ProcessBuilder childProcess(List<String> argv) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().keySet().removeAll(SERVICE_MANAGER_VARIABLES);
        return pb;
    }

    private static final List<String> SERVICE_MANAGER_VARIABLES = List.of("NOTIFY_SOCKET", "WATCHDOG_USEC",
            "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES");

    /**
     * Runs {@code argv} inside {@code ns} ({@code ip netns exec NAME ...}, or {@code nsenter}
     * for a namespace given by path); null or the host namespace: where the agent runs. The
     * result's command is the whole argv, prefix included, as an operator would type it.
     */
    public CompletableFuture<Result> run(NetworkNamespace ns, List<String> argv, Duration timeout) {
        if (ns == null) {
            return run(argv, timeout);
        }
        List<String> full = new ArrayList<>(ns.commandPrefix());
        full.addAll(argv);
        return run(full, timeout);
    }

    public CompletableFuture<Result> run(List<String> argv, Duration timeout) {
        Process p;
        try {
            p = childProcess(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("error=2")
                    ? "'" + argv.get(0) + "' not found" : "cannot run '" + argv.get(0) + "': " + e.getMessage();
            return CompletableFuture.completedFuture(new Result(argv, -1, "", 0, false, "", false, timeout, why));
        }
        boolean[] killed = new boolean[1];
        Scheduler.Timer timer = scheduler.schedule(timeout, () -> {
            synchronized (killed) {
                killed[0] = true;
            }
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        CompletableFuture<Stdout> out = CompletableFuture.supplyAsync(() -> readStdout(p.getInputStream()), IO);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readBounded(p.getErrorStream()), IO);
        return p.onExit().thenCombine(out, (proc, o) -> o).thenCombine(err, (o, e) -> {
            timer.cancel();
            boolean timedOut;
            synchronized (killed) {
                timedOut = killed[0];
            }
            return new Result(argv, timedOut ? -1 : p.exitValue(), o.kept(), o.lines(), o.truncated(), e, timedOut,
                    timeout, null);
        });
    }

    private record Stdout(String kept, long lines, boolean truncated) {
    }

    private static Stdout readStdout(InputStream in) {
        StringBuilder kept = new StringBuilder();
        long lines = 0;
        boolean truncated = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                if (kept.length() + line.length() + 1 <= MAX_KEPT) {
                    kept.append(line).append('\n');
                } else {
                    truncated = true;
                }
            }
        } catch (IOException e) {
            truncated = true;
        }
        return new Stdout(kept.toString(), lines, truncated);
    }

    private static String readBounded(InputStream in) {
        try (in) {
            byte[] all = in.readNBytes(MAX_STDERR);
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new String(all, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
