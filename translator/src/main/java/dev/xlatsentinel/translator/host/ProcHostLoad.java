package dev.xlatsentinel.translator.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link HostLoad} from /proc: the host's CPU pressure ({@code /proc/pressure/cpu}, PSI, when
 * the kernel has it on: Debian builds it but leaves it off unless booted with {@code psi=1}),
 * the input backlog's drops and squeezes ({@code /proc/net/softnet_stat}, the same for every
 * network namespace), and, for a userspace translator, its process's wait for a CPU and its
 * time on one ({@code /proc/PID/schedstat}, second and first fields) and whether it is runnable
 * now ({@code /proc/PID/stat}, state R): a wait still going on is in neither counter yet. A file
 * that cannot be read gives -1 for its counters; the pid file is read again only when the
 * process it named is gone.
 */
public final class ProcHostLoad implements HostLoad {
    private final Path proc;
    private final Path pidFile;
    private volatile boolean pressureMissing;
    private volatile long pid = -1;

    /** @param pidFile the userspace translator's pid file (TAYGA), or null */
    public ProcHostLoad(Path pidFile) {
        this(Path.of("/proc"), pidFile);
    }

    ProcHostLoad(Path proc, Path pidFile) {
        this.proc = proc;
        this.pidFile = pidFile;
    }

    @Override
    public Reading read() {
        long[] softnet = softnet();
        long pressure = pressure();
        long[] own = translator();
        return new Reading(pressure, own[1], softnet[0], softnet[1], own[0], own[2] == 1, System.nanoTime());
    }

    /** PSI "some total" in microseconds; -1 when the kernel has no PSI (or it is off). */
    private long pressure() {
        if (pressureMissing) {
            return -1;
        }
        try {
            return parsePressure(Files.readString(proc.resolve("pressure/cpu")));
        } catch (IOException | RuntimeException e) {
            // Absent (no CONFIG_PSI) or EOPNOTSUPP (psi=0): the same on every read.
            pressureMissing = true;
            return -1;
        }
    }

    static long parsePressure(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("some ")) {
                int at = line.indexOf("total=");
                if (at >= 0) {
                    return Long.parseLong(line.substring(at + 6).trim());
                }
            }
        }
        throw new IllegalArgumentException("no 'some ... total=' line in /proc/pressure/cpu");
    }

    /** Dropped and time_squeeze, summed over the CPUs; -1 each when unreadable. */
    private long[] softnet() {
        try {
            return parseSoftnet(Files.readString(proc.resolve("net/softnet_stat")));
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** One line per CPU, hexadecimal columns: processed, dropped, time_squeeze, ... */
    static long[] parseSoftnet(String text) {
        long dropped = 0;
        long squeezed = 0;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3) {
                continue;
            }
            dropped += Long.parseLong(f[1], 16);
            squeezed += Long.parseLong(f[2], 16);
        }
        return new long[] {dropped, squeezed};
    }

    private static final long[] NO_TRANSLATOR = {-1, -1, 0};

    /** The translator's {run time, run delay, 1 if runnable now}; -1s without a pid file or process. */
    private long[] translator() {
        if (pidFile == null) {
            return NO_TRANSLATOR;
        }
        long p = pid;
        long[] own = p < 0 ? NO_TRANSLATOR : translator(p);
        if (own[1] < 0) {
            p = readPid();
            pid = p;
            own = p < 0 ? NO_TRANSLATOR : translator(p);
        }
        return own;
    }

    private long readPid() {
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private long[] translator(long p) {
        Path dir = proc.resolve(Long.toString(p));
        try {
            String[] f = Files.readString(dir.resolve("schedstat")).trim().split("\\s+");
            if (f.length < 2) {
                return NO_TRANSLATOR;
            }
            return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), runnable(dir) ? 1 : 0};
        } catch (IOException | NumberFormatException e) {
            return NO_TRANSLATOR;
        }
    }

    /** State R in /proc/PID/stat (after the command name, which may hold spaces and parentheses). */
    private static boolean runnable(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            int end = stat.lastIndexOf(')');
            return end >= 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'R';
        } catch (IOException e) {
            return false;
        }
    }
}
