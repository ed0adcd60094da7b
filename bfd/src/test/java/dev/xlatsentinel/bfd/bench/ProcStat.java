package dev.xlatsentinel.bfd.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of a process from /proc: utime + stime; VmRSS, VmHWM, and Pss
 * (smaps_rollup), which counts a page mapped several times once (ZGC maps its heap three
 * times, so its RSS overstates).
 */
record ProcStat(long pid, long cpuTicks, long rssKb, long hwmKb, long pssKb, long threads) {
    /** USER_HZ: the unit of utime and stime; 100 on every Linux this runs on. */
    static final double TICKS_PER_SECOND = 100;

    static ProcStat of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            long threads = Long.parseLong(f[17]);
            long rss = 0;
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                }
            }
            long pss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    pss = kb(line);
                }
            }
            return new ProcStat(pid, utime + stime, rss, hwm, pss, threads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid, e);
        }
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** CPU seconds used between {@code earlier} and this sample. */
    double cpuSecondsSince(ProcStat earlier) {
        return (cpuTicks - earlier.cpuTicks) / TICKS_PER_SECOND;
    }

    /** The 1-minute load average of the machine. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
