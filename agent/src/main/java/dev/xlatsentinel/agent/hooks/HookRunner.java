package dev.xlatsentinel.agent.hooks;

import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.platform.time.SystemScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator's exec hooks on state changes, off the agent's own threads: a bounded
 * queue and one worker. Each hook runs through {@link Subprocess}: in a process group of its
 * own, killed with the whole group at its timeout and once it has exited (what it left in the
 * background goes too), its output drained while it runs (a hook that writes megabytes never
 * blocks on a full pipe) and logged up to {@value #MAX_OUTPUT} characters. A full queue
 * drops the event with a warning rather than ever making BFD or the prober wait.
 */
public final class HookRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);
    private static final int QUEUE = 256;
    private static final int MAX_OUTPUT = 4096;

    /** A configured hook: which events trigger it, what runs, how long it may take. */
    public record Hook(String name, List<String> events, List<String> command, Duration timeout) {
        public boolean wants(String event) {
            return events.isEmpty() || events.contains(event);
        }
    }

    /** Beyond a hook's timeout: the kill, and the output's end after it. */
    private static final long WAIT_MARGIN_MILLIS = 5_000;

    private final SystemScheduler timers = new SystemScheduler("hook-timers");
    private final Subprocess subprocess = new Subprocess(timers);
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "hooks");
                t.setDaemon(true);
                return t;
            });
    private volatile List<Hook> hooks;

    public HookRunner(List<Hook> hooks) {
        this.hooks = List.copyOf(hooks);
    }

    /** Replaces the hooks (reload); events already queued run with the hooks of their time. */
    public void hooks(List<Hook> newHooks) {
        this.hooks = List.copyOf(newHooks);
    }

    /**
     * Queues {@code event} for every hook that wants it. {@code facts} become environment
     * variables (the caller names them XLAT_*).
     */
    public void fire(String event, Map<String, String> facts) {
        for (Hook h : hooks) {
            if (!h.wants(event)) {
                continue;
            }
            try {
                worker.execute(() -> run(h, event, facts));
            } catch (RejectedExecutionException e) {
                LOG.warn("hook {}: dropped event {} (queue of {} full or shut down)", h.name(), event, QUEUE);
            }
        }
    }

    private void run(Hook h, String event, Map<String, String> facts) {
        Map<String, String> env = new java.util.HashMap<>(facts);
        env.put("XLAT_EVENT", event);
        long start = System.nanoTime();
        Subprocess.Result r;
        try {
            // The runner kills the hook's whole process group at its timeout: the wait is bounded.
            r = subprocess.run(h.command(), env, h.timeout()).get(h.timeout().toMillis() + WAIT_MARGIN_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("hook {} on {}: no result: {}", h.name(), event, e.toString());
            return;
        }
        if (r.startError() != null) {
            LOG.warn("hook {} on {}: cannot start {}: {}", h.name(), event, h.command(), r.startError());
            return;
        }
        String text = output(r);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (r.timedOut()) {
            LOG.warn("hook {} on {}: killed with its process group after its timeout of {} ms{}", h.name(), event,
                    h.timeout().toMillis(), text.isEmpty() ? "" : ": " + text);
        } else if (r.exit() == 0) {
            LOG.info("hook {} on {}: ok in {} ms{}", h.name(), event, ms, text.isEmpty() ? "" : ": " + text);
        } else {
            LOG.warn("hook {} on {}: exit {} in {} ms{}", h.name(), event, r.exit(), ms,
                    text.isEmpty() ? "" : ": " + text);
        }
    }

    /** stdout then stderr, at most {@value #MAX_OUTPUT} characters, with how much was left out. */
    static String output(Subprocess.Result r) {
        String all = (r.stdout().strip() + "\n" + r.stderr().strip()).strip();
        if (all.length() <= MAX_OUTPUT && !r.truncated()) {
            return all;
        }
        return all.substring(0, Math.min(all.length(), MAX_OUTPUT)) + " ... (" + r.lines() + " lines of output in all)";
    }

    /** Lets queued hooks finish for up to {@code grace}, then kills what still runs. */
    public void close(Duration grace) {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            timers.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
