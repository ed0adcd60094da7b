package dev.xlatsentinel.agent.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A control client as the kernel vouches for it: the PID, UID and GID of SO_PEERCRED (taken
 * when it connected), and its supplementary groups from {@code /proc/PID/status}, read only
 * while that PID still belongs to the same user (a PID reused by another process does not
 * lend its groups). Names for the log come from {@code /etc/passwd} and {@code /etc/group};
 * a user or group found in neither (e.g. from a directory service) shows as its number.
 */
record Peer(int pid, int uid, int gid, int[] groups) {

    static Peer of(int pid, int uid, int gid) {
        return new Peer(pid, uid, gid, supplementaryGroups(pid, uid));
    }

    /** The primary group, or one of the supplementary ones. */
    boolean inGroup(int group) {
        return gid == group || Arrays.stream(groups).anyMatch(g -> g == group);
    }

    String userName() {
        return name(Path.of("/etc/passwd"), uid);
    }

    String groupName() {
        return name(Path.of("/etc/group"), gid);
    }

    /** The agent's own UID. */
    static int ownUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the agent's own user ID: " + e.getMessage(), e);
        }
    }

    /** The "Groups:" of /proc/PID/status, when its real UID is still {@code uid}; else none. */
    static int[] supplementaryGroups(int pid, int uid) {
        if (pid <= 0) {
            return new int[0];
        }
        try {
            return parseGroups(Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status")), uid);
        } catch (IOException e) {
            return new int[0];
        }
    }

    static int[] parseGroups(List<String> status, int uid) {
        boolean sameUser = false;
        int[] groups = new int[0];
        for (String line : status) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).trim().split("\\s+");
                sameUser = f.length > 0 && f[0].equals(Integer.toString(uid));
            } else if (line.startsWith("Groups:")) {
                String list = line.substring(7).trim();
                groups = list.isEmpty() ? new int[0]
                        : Arrays.stream(list.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            }
        }
        return sameUser ? groups : new int[0];
    }

    /** The name of ID {@code id} in a passwd- or group-format file, or the number. */
    private static String name(Path file, int id) {
        String number = Integer.toString(id);
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split(":", 4);
                if (f.length >= 3 && f[2].equals(number)) {
                    return f[0];
                }
            }
        } catch (IOException e) {
            // No file: show the number.
        }
        return number;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Peer p && p.pid == pid && p.uid == uid && p.gid == gid && Arrays.equals(p.groups, groups);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {pid, uid, gid, Arrays.hashCode(groups)});
    }

    @Override
    public String toString() {
        return "pid " + pid + " uid " + uid + " gid " + gid + " groups " + Arrays.toString(groups);
    }
}
