package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.translator.event.KernelEvents;
import dev.xlatsentinel.translator.event.ProcessExit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running process named by its pid file (TAYGA, a daemon a site cares about): alive by
 * /proc/PID/stat (not kill -0: a zombie and a SIGSTOPped process both fail, and a pid reused
 * by another program is caught by its name), and, when watched, its exit announced by a pidfd
 * the moment it happens. Thread-safe.
 */
public final class PidFileProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PidFileProcess.class);

    private final Path pidFile;
    private final String comm;
    private final String label;
    private final Path proc;
    private long pid;
    private char state;
    private ProcessExit exit;
    private boolean pidfdFailed;
    private boolean closed;

    /**
     * @param comm  the process's name as /proc/PID/stat shows it (its first 15 characters), or
     *              null to accept any
     * @param label how reasons call it ({@code TAYGA}, or the probe's name)
     * @param proc  /proc (another root in tests)
     */
    public PidFileProcess(Path pidFile, String comm, String label, Path proc) {
        this.pidFile = pidFile;
        this.comm = comm;
        this.label = label;
        this.proc = proc;
    }

    /** What is wrong with the process, in words; null when it runs. Remembers its pid and state. */
    public synchronized String problem() throws IOException {
        String text;
        try {
            text = Files.readString(pidFile).strip();
        } catch (NoSuchFileException e) {
            return "pid file " + pidFile + " does not exist: " + label + " is not running";
        }
        long p;
        try {
            p = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return "pid file " + pidFile + " holds '" + text + "', not a pid";
        }
        if (p <= 0) {
            return "pid file " + pidFile + " holds '" + text + "', not a pid";
        }
        this.pid = p;
        ProcessState ps = ProcessState.read(proc, p);
        if (ps == null) {
            return label + " (pid " + p + " from " + pidFile + ") is not running";
        }
        if (comm != null && !ps.comm().equals(comm)) {
            return "pid " + p + " from " + pidFile + " is '" + ps.comm() + "', not " + comm + " (stale pid file)";
        }
        if (!ps.alive()) {
            return label + " (pid " + p + ") is " + ps.describe();
        }
        this.state = ps.state();
        return null;
    }

    /** The pid the last {@link #problem()} read. */
    public synchronized long pid() {
        return pid;
    }

    /** The state the last {@link #problem()} that passed read ({@code R}, {@code S}, ...). */
    public synchronized char state() {
        return state;
    }

    /**
     * After a {@link #problem()} that found the process running: watches it through a pidfd
     * (once per pid), and runs {@code onExit} on the events thread when it exits. A pidfd that
     * cannot be opened is logged once; the rounds still see the exit.
     */
    public synchronized void watchExit(KernelEvents events, Runnable onExit) {
        if (closed || pid <= 0 || (exit != null && exit.pid() == pid)) {
            return;
        }
        if (exit != null) {
            exit.close();
            exit = null;
        }
        try {
            exit = ProcessExit.watch(events, pid, label, onExit);
            if (exit == null) {
                // Gone between the look and pidfd_open: say so at once.
                events.execute(onExit);
            }
        } catch (IllegalStateException e) {
            if (!pidfdFailed) {
                pidfdFailed = true;
                LOG.warn("{}: no exit events ({}); its exit is seen by the probe's rounds", label, e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (exit != null) {
            exit.close();
            exit = null;
        }
    }
}
