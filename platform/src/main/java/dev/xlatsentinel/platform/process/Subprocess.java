package dev.xlatsentinel.platform.process;

import dev.xlatsentinel.platform.libc.Libc;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.platform.time.Scheduler;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a short command for a probe or a hook, bounded in time, memory, processes and threads:
 * <ul>
 *   <li>it runs in a process group of its own ({@code setsid}), and the whole group is killed
 *       with SIGKILL at the timeout, and also once the command itself has exited, so a
 *       background child it left (double-forked or not) does not outlive its round;</li>
 *   <li>its output is drained while it runs, so a command that writes a lot never blocks on a
 *       full pipe: stdout kept up to {@value #MAX_KEPT} characters while all its lines are
 *       counted (a BIB can have millions of rows), stderr kept up to {@value #MAX_STDERR};</li>
 *   <li>the result is complete when the command has exited and its output has ended, or at
 *       most {@link #OUTPUT_GRACE} after it exited: a process that left the group (its own
 *       setsid) and still holds the output is named in the result ({@link Result#outputHeld})
 *       and logged once, not waited for. Its reader thread (and the JDK's reaper, which waits
 *       for that reader) stay blocked until that process exits: such a command costs two
 *       threads per round while its escaped children live; none of the cases above does.</li>
 * </ul>
 * The future always completes normally; a command that cannot start says why in
 * {@link Result#startError()}.
 */
public final class Subprocess {
    private static final Logger LOG = LoggerFactory.getLogger(Subprocess.class);
    /** stdout kept, in characters; every line is counted. */
    public static final int MAX_KEPT = 1 << 20;
    /** stderr kept, in bytes. */
    public static final int MAX_STDERR = 4096;
    /** How long the output may go on after the command exited and its group was killed. */
    static final Duration OUTPUT_GRACE = Duration.ofMillis(500);
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
     * @param outputHeld  the output had not ended {@link #OUTPUT_GRACE} after the command exited
     *                    (a process outside its group holds it); what came until then is kept
     */
    public record Result(List<String> argv, int exit, String stdout, long lines, boolean truncated, String stderr,
            boolean timedOut, Duration timeout, String startError, boolean outputHeld) {
        public Result(List<String> argv, int exit, String stdout, long lines, boolean truncated, String stderr,
                boolean timedOut, Duration timeout, String startError) {
            this(argv, exit, stdout, lines, truncated, stderr, timedOut, timeout, startError, false);
        }

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
        return run(argv, Map.of(), timeout);
    }

    /** Runs {@code argv} with {@code env} added to the agent's environment (less systemd's variables). */
    public CompletableFuture<Result> run(List<String> argv, Map<String, String> env, Duration timeout) {
        // setsid(1) calls setsid(2) and execs the command in the same process (the child of the
        // JVM is never a group leader, so setsid does not fork): the command's PID is its group.
        List<String> grouped = new ArrayList<>(List.of("setsid"));
        grouped.addAll(argv);
        ProcessBuilder pb = childProcess(grouped).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return CompletableFuture.completedFuture(new Result(argv, -1, "", 0, false, "", false, timeout,
                    "cannot run '" + argv.get(0) + "': " + e.getMessage()));
        }
        AtomicBoolean killed = new AtomicBoolean();
        Scheduler.Timer timer = scheduler.schedule(timeout, () -> {
            killed.set(true);
            killGroup(p);
        });
        Drain out = new Drain(p.getInputStream(), MAX_KEPT);
        Drain err = new Drain(p.getErrorStream(), MAX_STDERR);
        IO.execute(out);
        IO.execute(err);
        CompletableFuture<Result> result = new CompletableFuture<>();
        p.onExit().thenAccept(proc -> {
            timer.cancel();
            // The round is over: what the command left running in its group goes with it.
            killGroup(p);
            CompletableFuture<Void> both = CompletableFuture.allOf(out.done(), err.done());
            Scheduler.Timer grace = scheduler.schedule(OUTPUT_GRACE, () -> both.complete(null));
            both.whenComplete((v, e) -> {
                grace.cancel();
                boolean held = !out.done().isDone() || !err.done().isDone();
                if (held) {
                    // A process outside the group holds the output: its reader stays blocked
                    // until that process exits or closes it; the result does not wait.
                    warnOnce(argv);
                }
                String stderr = err.text();
                boolean timedOut = killed.get();
                int exit = timedOut ? -1 : proc.exitValue();
                if (exit == 127 && out.lines() == 0 && stderr.contains("setsid: failed to execute")) {
                    result.complete(new Result(argv, -1, "", 0, false, "", false, timeout,
                            "'" + argv.get(0) + "' not found"));
                    return;
                }
                result.complete(new Result(argv, exit, out.text(), out.lines(), out.truncated(), stderr, timedOut,
                        timeout, null, held));
            });
        });
        return result;
    }

    /**
     * SIGKILL to the command's process group, when the command did become its leader (it
     * has, once setsid ran); otherwise to the command and what descends from it now.
     */
    static void killGroup(Process p) {
        long pid = p.pid();
        if (processGroupOf(pid) == pid || !p.isAlive()) {
            if (Libc.INSTANCE.kill((int) -pid, Libc.SIGKILL) == 0) {
                return;
            }
            if (!p.isAlive()) {
                return; // the group is empty: nothing left behind
            }
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** The process group of {@code pid} from /proc (field 5 of stat), or -1. */
    static long processGroupOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Reads a child's stream to its end, counting lines and keeping the first {@code limit}
     * octets (the rest is read and thrown away, so the child never blocks on a full pipe).
     * What it has so far can be taken at any time, from another thread.
     */
    static final class Drain implements Runnable {
        private final InputStream in;
        private final int limit;
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private long newlines;
        private boolean open;
        private boolean truncated;

        Drain(InputStream in, int limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (this) {
                        for (int i = 0; i < n; i++) {
                            if (buf[i] == '\n') {
                                newlines++;
                            }
                        }
                        open = buf[n - 1] != '\n';
                        int room = limit - kept.size();
                        kept.write(buf, 0, Math.max(0, Math.min(room, n)));
                        truncated |= n > room;
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    truncated = true;
                }
            } finally {
                done.complete(null);
            }
        }

        CompletableFuture<Void> done() {
            return done;
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }

        /** Lines so far; a last line without a newline counts. */
        synchronized long lines() {
            return newlines + (open ? 1 : 0);
        }

        synchronized boolean truncated() {
            return truncated;
        }
    }

    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Once per command: a process it started left its group and keeps its output open. */
    private static void warnOnce(List<String> argv) {
        String command = String.join(" ", argv);
        if (WARNED.size() < 100 && WARNED.add(command)) {
            LOG.warn("'{}' left a process outside its process group that holds its output open; each round costs a "
                    + "thread until that process exits", command);
        }
    }
}
