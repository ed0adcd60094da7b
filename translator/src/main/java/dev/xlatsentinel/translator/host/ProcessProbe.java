package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.time.Clock;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.event.EventReporter;
import dev.xlatsentinel.translator.event.EventSink;
import dev.xlatsentinel.translator.event.KernelEvents;
import dev.xlatsentinel.translator.event.Watched;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A long-running process the translator needs (a Jool session-sync daemon, a CLAT, a site's
 * own helper) is alive: named by its pid file, checked in /proc (a zombie or a stopped process
 * fails, a reused pid is caught by {@code comm}), and when watched its exit is seen through a
 * pidfd at once.
 */
public final class ProcessProbe implements Probe, Watched {
    private final String name;
    private final PidFileProcess process;
    private EventReporter reporter;
    private KernelEvents events;

    /**
     * @param comm the name /proc/PID/stat must show (up to 15 characters), or null for any
     */
    public ProcessProbe(String name, Path pidFile, String comm, Path proc) {
        this.name = name;
        this.process = new PidFileProcess(pidFile, comm, comm == null ? "process " + name : comm, proc);
    }

    public ProcessProbe(String name, Path pidFile, String comm) {
        this(name, pidFile, comm, Path.of("/proc"));
    }

    /** Watches the process's exit through a pidfd; events count as {@code mode} says. Returns this. */
    public ProcessProbe watching(EventMode mode, Clock clock, KernelEvents events) {
        this.reporter = new EventReporter(name, mode, clock, this::look);
        this.events = events;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventMode eventMode() {
        return reporter == null ? EventMode.OFF : reporter.mode();
    }

    @Override
    public void watch(EventSink sink) {
        if (reporter == null) {
            return;
        }
        reporter.attach(sink);
        events.execute(() -> {
            try {
                look();
            } catch (UncheckedIOException e) {
                // the rounds will say it
            }
        });
    }

    private String look() {
        try {
            String problem = process.problem();
            if (problem == null && events != null) {
                process.watchExit(events, () -> reporter.changed("process exit (pidfd)"));
            }
            return problem;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        try {
            String problem = look();
            return CompletableFuture.completedFuture(problem == null
                    ? ProbeResult.pass(name, "pid " + process.pid() + " running")
                    : ProbeResult.fail(name, problem));
        } catch (UncheckedIOException e) {
            return CompletableFuture.failedFuture(e.getCause());
        }
    }
}
