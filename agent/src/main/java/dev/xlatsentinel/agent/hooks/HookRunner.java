package dev.xlatsentinel.agent.hooks;

import dev.xlatsentinel.platform.process.Subprocess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator's exec hooks on state changes, off the agent's own threads: a bounded
 * queue and one worker, each hook killed at its timeout, its output logged. A full queue
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
        ProcessBuilder pb = Subprocess.childProcess(h.command()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("XLAT_EVENT", event);
        pb.environment().putAll(facts);
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            LOG.warn("hook {} on {}: cannot start {}: {}", h.name(), event, h.command(), e.getMessage());
            return;
        }
        try (InputStream out = p.getInputStream()) {
            boolean done = p.waitFor(h.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                LOG.warn("hook {} on {}: killed after its timeout of {} ms", h.name(), event, h.timeout().toMillis());
                return;
            }
            String text = new String(out.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8).strip();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (p.exitValue() == 0) {
                LOG.info("hook {} on {}: ok in {} ms{}", h.name(), event, ms, text.isEmpty() ? "" : ": " + text);
            } else {
                LOG.warn("hook {} on {}: exit {} in {} ms{}", h.name(), event, p.exitValue(), ms,
                        text.isEmpty() ? "" : ": " + text);
            }
        } catch (IOException e) {
            LOG.warn("hook {} on {}: {}", h.name(), event, e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
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
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
