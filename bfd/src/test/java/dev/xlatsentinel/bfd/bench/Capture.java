package dev.xlatsentinel.bfd.bench;

import dev.xlatsentinel.lab.LabException;
import dev.xlatsentinel.lab.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tcpdump on an interface inside a namespace, its pcap stream read as it comes into
 * {@link TxIntervals} (nothing written to disk). Bounded: by a packet count, and by
 * {@link #stop()}, which the owner calls at the end of its window (and the lab at teardown).
 */
final class Capture implements AutoCloseable {
    private static final Pattern DROPPED = Pattern.compile("(\\d+) packets? dropped by kernel");

    private final Process process;
    private final Path stderr;
    private final TxIntervals intervals = new TxIntervals();
    private final CompletableFuture<Void> reader;
    private long kernelDrops = -1;

    private Capture(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = CompletableFuture.runAsync(() -> {
            try {
                intervals.read(process.getInputStream());
            } catch (IOException e) {
                throw new LabException("reading the capture: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Starts capturing outgoing packets ({@code -Q out}) matching {@code filter}, at most
     * {@code count} of them, and returns once tcpdump listens.
     */
    static Capture start(Netns ns, String iface, String filter, long count) {
        Path err = ns.lab().dir().resolve("tcpdump-" + System.nanoTime() + ".log");
        List<String> argv = new ArrayList<>(List.of("tcpdump", "-i", iface, "-Q", "out", "-n", "-s", "128", "-B",
                "65536", "--time-stamp-precision", "nano", "-c", Long.toString(count), "-w", "-"));
        argv.add(filter);
        Process p;
        try {
            p = new ProcessBuilder(ns.inside(argv.toArray(String[]::new))).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new LabException("cannot start tcpdump: " + e.getMessage(), e);
        }
        Capture c = ns.lab().register(new Capture(p, err));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.stderrText().contains("listening on")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                c.close();
                throw new LabException("tcpdump did not start: " + c.stderrText());
            }
            BfdScaleBench.sleep(10);
        }
        return c;
    }

    TxIntervals intervals() {
        return intervals;
    }

    /** Waits up to {@code ms} for the capture to end by itself (its count reached). */
    boolean awaitEnd(long ms) {
        try {
            return process.waitFor(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops tcpdump (SIGINT: it flushes and reports), waits for the stream's end. */
    void stop() {
        if (process.isAlive()) {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
                // It may have to write out what the pipe still holds; our reader drains it.
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try {
            reader.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new LabException("capture reader failed: " + e, e);
        }
        Matcher m = DROPPED.matcher(stderrText());
        kernelDrops = m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Packets the kernel dropped because tcpdump fell behind (-1: unknown); any drop spoils intervals. */
    long kernelDrops() {
        return kernelDrops;
    }

    private String stderrText() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }


    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
