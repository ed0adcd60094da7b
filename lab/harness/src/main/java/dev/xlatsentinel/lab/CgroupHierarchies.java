package dev.xlatsentinel.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cgroup directories this process is in, for the hierarchies systemd tracks processes
 * with: the unified (v2) one, and on a hybrid host also the named v1 "systemd" one.
 */
final class CgroupHierarchies {
    private CgroupHierarchies() {
    }

    static List<Path> ofThisProcess() {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
            List<Path> dirs = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                // "0::/path" (v2) or "9:name=systemd:/path" (v1 named hierarchy)
                String[] f = line.split(":", 3);
                String mount = null;
                if (f[0].equals("0") && f[1].isEmpty()) {
                    mount = mountPoint(mounts, "cgroup2", null);
                } else if (f[1].equals("name=systemd")) {
                    mount = mountPoint(mounts, "cgroup", "name=systemd");
                }
                if (mount != null) {
                    dirs.add(Path.of(mount, f[2].substring(1)));
                }
            }
            return dirs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - FSTYPE SOURCE SUPEROPTS */
    private static String mountPoint(List<String> mounts, String fsType, String superOption) {
        for (String line : mounts) {
            String[] halves = line.split(" - ", 2);
            String[] after = halves[1].split(" ");
            if (after[0].equals(fsType) && (superOption == null || List.of(after[2].split(",")).contains(superOption))) {
                return halves[0].split(" ")[4];
            }
        }
        return null;
    }
}
