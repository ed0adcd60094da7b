package dev.xlatsentinel.translator.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A process as /proc/PID/stat shows it: {@code pid (comm) state ...}. Used instead of
 * {@code kill -0}, which succeeds for a zombie and for a stopped process alike.
 */
public record ProcessState(long pid, String comm, char state) {
    /** Reads /proc/PID/stat under {@code proc}; null if there is no such process. */
    public static ProcessState read(Path proc, long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
        } catch (NoSuchFileException e) {
            return null;
        }
        return parse(pid, stat);
    }

    /** Parses the stat line; comm may contain spaces and parentheses, so the last ')' ends it. */
    static ProcessState parse(long pid, String stat) throws IOException {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || stat.length() < close + 3) {
            throw new IOException("cannot parse /proc/" + pid + "/stat: '" + stat.strip() + "'");
        }
        return new ProcessState(pid, stat.substring(open + 1, close), stat.charAt(close + 2));
    }

    /**
     * CPU time the process ran and time it waited for a CPU, in nanoseconds, from
     * /proc/PID/schedstat ({@code on-cpu run-delay timeslices}); null when the kernel does not
     * provide it.
     */
    public static long[] schedstat(Path proc, long pid) {
        try {
            String[] f = Files.readString(proc.resolve(Long.toString(pid)).resolve("schedstat")).trim().split("\\s+");
            return f.length < 2 ? null : new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Running, sleeping or in disk wait: the states of a process that can still do work. */
    public boolean alive() {
        return state == 'R' || state == 'S' || state == 'D' || state == 'I';
    }

    /** The state in words (proc(5)). */
    public String describe() {
        return switch (state) {
            case 'R' -> "running";
            case 'S' -> "sleeping";
            case 'D' -> "in uninterruptible wait";
            case 'Z' -> "a zombie (exited, not yet reaped)";
            case 'T' -> "stopped (SIGSTOP)";
            case 't' -> "stopped by a tracer";
            case 'X' -> "dead";
            default -> "in state " + state;
        };
    }
}
