package dev.xlatsentinel.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The host's settable kernel parameters (every writable, readable file under /proc/sys of
 * this process's namespaces), to prove that a test changed none of them. Counters the kernel
 * moves by itself are left out.
 */
public final class HostSysctls {
    /**
     * Moved by the kernel itself: the last PID; the taint mask (a soft-lockup warning on a busy
     * VM sets it); the hung-task warnings left; perf's sample rate, lowered when its interrupts
     * run long.
     */
    private static final Set<String> MOVING = Set.of("kernel.ns_last_pid", "kernel.tainted",
            "kernel.hung_task_warnings", "kernel.perf_event_max_sample_rate");

    private HostSysctls() {
    }

    /** Key (dotted, as sysctl(8) prints it) to value. */
    public static Map<String, String> snapshot() {
        Path root = Path.of("/proc/sys");
        Map<String, String> values = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                String key = root.relativize(p).toString().replace('/', '.');
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    if (!perms.contains(PosixFilePermission.OWNER_WRITE) || !perms.contains(PosixFilePermission.OWNER_READ)
                            || MOVING.contains(key)) {
                        continue;
                    }
                    values.put(key, Files.readString(p).strip());
                } catch (IOException e) {
                    // Some writable files refuse reads (e.g. net.ipv4.route.flush): nothing to compare.
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot read /proc/sys: " + e.getMessage(), e);
        }
        return values;
    }

    /** "key: before -> after" for every parameter that differs between two snapshots. */
    public static List<String> changes(Map<String, String> before, Map<String, String> after) {
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> changes = new ArrayList<>();
        for (String k : keys) {
            if (!Objects.equals(before.get(k), after.get(k))) {
                changes.add(k + ": " + before.get(k) + " -> " + after.get(k));
            }
        }
        return changes;
    }
}
