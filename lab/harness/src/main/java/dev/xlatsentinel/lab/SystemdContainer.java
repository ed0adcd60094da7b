package dev.xlatsentinel.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real systemd booted as PID 1 of a {@code systemd-nspawn} container, for tests of unit
 * files and of services that talk to systemd (sd_notify, the watchdog, dependencies).
 *
 * <p>The container's root is a copy-on-write overlay of the host's own root (nothing is
 * downloaded) with the files the test {@linkplain Builder#file staged} copied on top. Everything it
 * mounts lives in a private mount namespace that dies with it; its upper layer is a tmpfs;
 * it has its own network namespace ({@code --private-network}) and {@code /proc/sys} is
 * read-only inside, so the host's sysctls cannot change. It boots straight into a target of
 * its own (never the host's default target, which would start the host's services), and
 * the test drives it from outside with {@code nsenter ... systemctl}.
 * See docs/systemd.md for why each step is there.
 *
 * <pre>{@code
 * try (Lab lab = Lab.open("units")) {
 *     SystemdContainer c = SystemdContainer.builder(lab)
 *             .unitFile(Path.of("src/main/units/my.service"))
 *             .executable("/usr/bin/my-daemon", script)
 *             .boot();
 *     c.systemctl("start", "my.service").orThrow();
 *     assertThat(c.show("my.service", "ActiveState")).isEqualTo("active");
 * }   // stops the container; leftovers() is empty afterwards
 * }</pre>
 *
 * <p>Needs root, {@code systemd-nspawn} (package systemd-container) and overlayfs.
 */
public final class SystemdContainer implements AutoCloseable {
    /** The directory of the host bound into the container, for files both sides see. */
    public static final String OUT = "/lab/out";
    /** The target the container boots into. */
    public static final String TARGET = "lab.target";

    private static final Logger LOG = LoggerFactory.getLogger(SystemdContainer.class);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Path NSPAWN_RUN = Path.of("/run/systemd/nspawn");

    // Runs with the environment below; the PID stays that of systemd-nspawn (everything execs).
    private static final String LAUNCH = """
            set -eu
            for procs in $XS_CGROUP_PROCS; do echo $$ > "$procs"; done
            exec unshare --mount --propagation private -- /bin/sh -euc '
              mount -t tmpfs -o mode=0755 xs-nspawn "$XS_MNT"
              mkdir "$XS_MNT/upper" "$XS_MNT/work" "$XS_MNT/root"
              mount -t overlay xs-nspawn -o "lowerdir=/,upperdir=$XS_MNT/upper,workdir=$XS_MNT/work" "$XS_MNT/root"
              cp -a "$XS_STAGE/." "$XS_MNT/root/"
              rm -f "$XS_MNT/root/etc/machine-id"
              systemd-id128 new > "$XS_MNT/root/etc/machine-id"
              mount -t tmpfs -o mode=0755 xs-nspawn /run/systemd/nspawn
              exec systemd-nspawn --quiet --register=no --keep-unit --private-network --link-journal=no \\
                --console=read-only --bind="$XS_OUT:/lab/out" -D "$XS_MNT/root" -b -- \\
                "systemd.unit=$XS_TARGET" systemd.show_status=no
            '
            """;

    private final Lab lab;
    private final Path dir;
    private final Path out;
    private final List<Path> cgroups;
    private final List<Path> createdRunDirs;
    private final Process nspawn;
    private long leader;
    private boolean closed;

    private SystemdContainer(Lab lab, Path dir, List<Path> cgroups, List<Path> createdRunDirs, Process nspawn) {
        this.lab = lab;
        this.dir = dir;
        this.out = dir.resolve("out");
        this.cgroups = cgroups;
        this.createdRunDirs = createdRunDirs;
        this.nspawn = nspawn;
    }

    public static Builder builder(Lab lab) {
        return new Builder(lab);
    }

    /** What goes into the container before it boots. */
    public static final class Builder {
        private final Lab lab;
        private final Map<String, Staged> files = new LinkedHashMap<>();
        private final List<String> wants = new ArrayList<>();

        private record Staged(Path source, String content, String mode) {
        }

        private Builder(Lab lab) {
            this.lab = lab;
        }

        /** A unit file, installed as /etc/systemd/system/NAME under its own file name. */
        public Builder unitFile(Path unit) {
            return copy(unit, "/etc/systemd/system/" + unit.getFileName());
        }

        /** A regular file (mode 0644) with this content. */
        public Builder file(String path, String content) {
            return put(path, new Staged(null, content, "rw-r--r--"));
        }

        /** An executable file (mode 0755) with this content, e.g. a launcher script. */
        public Builder executable(String path, String content) {
            return put(path, new Staged(null, content, "rwxr-xr-x"));
        }

        /** A host file or directory tree, copied to {@code path}. */
        public Builder copy(Path source, String path) {
            if (!Files.exists(source)) {
                throw new IllegalArgumentException("no such file to copy into the container: " + source);
            }
            return put(path, new Staged(source, null, null));
        }

        /** Units the boot target pulls in (Wants=), started during boot. */
        public Builder wants(String... units) {
            wants.addAll(List.of(units));
            return this;
        }

        private Builder put(String path, Staged staged) {
            if (!path.startsWith("/") || path.contains("..")) {
                throw new IllegalArgumentException("container path must be absolute and plain: " + path);
            }
            files.put(path, staged);
            return this;
        }

        /** Boots the container and waits until its target is active; registered with the lab. */
        public SystemdContainer boot() {
            file("/etc/systemd/system/" + TARGET, """
                    [Unit]
                    Description=xlat-sentinel test container
                    Wants=sysinit.target %s
                    After=sysinit.target
                    AllowIsolate=yes
                    """.formatted(String.join(" ", wants)));
            Path dir = lab.dir().resolve("nspawn");
            Path stage = dir.resolve("stage");
            try {
                Files.createDirectories(dir.resolve("mnt"));
                Files.createDirectories(dir.resolve("out"));
                for (var e : files.entrySet()) {
                    stage(stage, e.getKey(), e.getValue());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return SystemdContainer.launch(lab, dir, stage);
        }

        private static void stage(Path stage, String path, Staged s) throws IOException {
            Path target = stage.resolve(path.substring(1));
            Files.createDirectories(target.getParent());
            if (s.source() == null) {
                Files.writeString(target, s.content(), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(s.mode()));
            } else if (Files.isDirectory(s.source())) {
                try (Stream<Path> tree = Files.walk(s.source())) {
                    for (Path p : (Iterable<Path>) tree::iterator) {
                        Path t = target.resolve(s.source().relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    }
                }
            } else {
                Files.copy(s.source(), target, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                        Files.isExecutable(s.source()) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static SystemdContainer launch(Lab lab, Path dir, Path stage) {
        List<Path> createdRunDirs = new ArrayList<>();
        List<Path> cgroups = new ArrayList<>();
        Process process;
        try {
            // nspawn mounts a tmpfs on /run/systemd/nspawn in the private namespace; it needs the mount point.
            for (Path p : List.of(NSPAWN_RUN.getParent(), NSPAWN_RUN)) {
                if (!Files.isDirectory(p)) {
                    Files.createDirectory(p);
                    createdRunDirs.add(0, p);
                }
            }
            // A child cgroup of our own in every hierarchy that tracks processes, or nspawn puts
            // its payload/ and supervisor/ cgroups next to the host's root ones.
            for (Path parent : CgroupHierarchies.ofThisProcess()) {
                Path cg = parent.resolve(lab.prefix() + "-nspawn");
                Files.createDirectory(cg);
                cgroups.add(cg);
            }
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", LAUNCH).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nspawn.log").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> env = pb.environment();
            env.put("XS_CGROUP_PROCS", String.join(" ",
                    cgroups.stream().map(c -> c.resolve("cgroup.procs").toString()).toList()));
            env.put("XS_MNT", dir.resolve("mnt").toString());
            env.put("XS_STAGE", stage.toString());
            env.put("XS_OUT", dir.resolve("out").toString());
            env.put("XS_TARGET", TARGET);
            process = pb.start();
        } catch (IOException e) {
            cleanUp(cgroups, createdRunDirs);
            throw new LabException("cannot launch systemd-nspawn: " + e.getMessage(), e);
        }
        SystemdContainer c = lab.register(new SystemdContainer(lab, dir, cgroups, createdRunDirs, process));
        c.awaitBoot();
        return c;
    }

    private void awaitBoot() {
        Poll.until(BOOT_TIMEOUT, Duration.ofMillis(20), "systemd to start in the container", () -> {
            if (!nspawn.isAlive()) {
                throw new LabException("systemd-nspawn exited " + nspawn.exitValue() + ":\n" + log());
            }
            Optional<ProcessHandle> init = nspawn.children().filter(p -> p.info().command()
                    .map(cmd -> cmd.endsWith("/systemd")).orElse(false)).findFirst();
            init.ifPresent(p -> leader = p.pid());
            return init.isPresent();
        }, this::log);
        Poll.until(BOOT_TIMEOUT, Duration.ofMillis(50), TARGET + " to be active in the container",
                () -> "active".equals(systemctl("is-active", TARGET).stdout().strip()), this::log);
        LOG.info("systemd container up: PID 1 is host PID {}, log {}", leader, dir.resolve("nspawn.log"));
    }

    /** The container's PID 1, as a host PID. */
    public long leaderPid() {
        return leader;
    }

    /** The host directory bound at {@link #OUT} inside (readable by the container's services). */
    public Path outDir() {
        return out;
    }

    /** The container's root, seen from the host ({@code /proc/PID/root}): write files there after boot. */
    public Path root() {
        return Path.of("/proc", Long.toString(leader), "root");
    }

    /** Runs a command inside the container (its mount, UTS, IPC, network and PID namespaces). */
    public Cmd.Result exec(Duration timeout, String... argv) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--target", Long.toString(leader), "--mount", "--uts",
                "--ipc", "--net", "--pid", "--"));
        cmd.addAll(List.of(argv));
        return Cmd.exec(timeout, cmd);
    }

    public Cmd.Result exec(String... argv) {
        return exec(Cmd.DEFAULT_TIMEOUT, argv);
    }

    /** {@code systemctl ARGS} inside; bounded by {@link Cmd#DEFAULT_TIMEOUT}. */
    public Cmd.Result systemctl(String... args) {
        return systemctl(Cmd.DEFAULT_TIMEOUT, args);
    }

    /**
     * {@code systemctl ARGS} inside, bounded by {@code timeout}: for jobs that wait on a slow
     * service, e.g. {@code start} of a JVM that sends READY=1 only once it is up.
     */
    public Cmd.Result systemctl(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(List.of("systemctl", "--no-pager", "--no-ask-password"));
        argv.addAll(List.of(args));
        return exec(timeout, argv.toArray(String[]::new));
    }

    /**
     * The host PID of a process that has {@code containerPid} in the container's PID
     * namespace (the last field of {@code NSpid} in /proc/PID/status), e.g. a unit's MainPID.
     */
    public long hostPid(long containerPid) {
        return ProcessHandle.of(leader).stream().flatMap(ProcessHandle::descendants)
                .filter(p -> containerPid(p.pid()) == containerPid).mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new LabException("no process with PID " + containerPid + " in " + this));
    }

    private static long containerPid(long hostPid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(hostPid), "status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] f = line.substring("NSpid:".length()).trim().split("\\s+");
                    return Long.parseLong(f[f.length - 1]);
                }
            }
        } catch (IOException e) {
            // The process ended meanwhile.
        }
        return -1;
    }

    /** One property from {@code systemctl show} (e.g. ActiveState, MainPID, StatusText). */
    public String show(String unit, String property) {
        return show(unit, new String[] {property}).get(property);
    }

    /** Several properties from {@code systemctl show}, by name. */
    public Map<String, String> show(String unit, String... properties) {
        String out = systemctl("show", unit, "--property=" + String.join(",", properties)).orThrow();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        for (String p : properties) {
            if (!values.containsKey(p)) {
                throw new LabException("systemctl show " + unit + " has no property " + p + ":\n" + out);
            }
        }
        return values;
    }

    /** What the unit and its processes logged (the journal inside the container). */
    public String journal(String unit) {
        return exec("journalctl", "--no-pager", "-o", "short-monotonic", "-u", unit).stdout();
    }

    /** What the unit logged after {@code cursor} (from {@link #journalCursor()}). */
    public String journal(String unit, String cursor) {
        return exec("journalctl", "--no-pager", "-o", "short-monotonic", "-u", unit, "--after-cursor=" + cursor)
                .stdout();
    }

    /** The journal's current end, to read only what comes later. */
    public String journalCursor() {
        String out = exec("journalctl", "--no-pager", "-n", "0", "--show-cursor").orThrow();
        int at = out.lastIndexOf("-- cursor: ");
        if (at < 0) {
            throw new LabException("journalctl printed no cursor: " + out);
        }
        return out.substring(at + "-- cursor: ".length()).strip();
    }

    /** The nspawn log: the container's console (systemd's own messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("nspawn.log"));
        } catch (IOException e) {
            return "(no nspawn log: " + e.getMessage() + ")";
        }
    }

    /**
     * What the container left on the host: mounts under its directory or on
     * /run/systemd/nspawn in the host's mount namespace, its cgroups, its processes. Empty
     * after {@link #close()}.
     */
    public List<String> leftovers() {
        List<String> left = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = line.split(" ")[4];
                if (mountPoint.startsWith(dir.toString()) || mountPoint.equals(NSPAWN_RUN.toString())) {
                    left.add("mount " + mountPoint);
                }
            }
        } catch (IOException e) {
            left.add("cannot read mountinfo: " + e.getMessage());
        }
        cgroups.stream().filter(Files::exists).forEach(cg -> left.add("cgroup " + cg));
        if (nspawn.isAlive()) {
            left.add("systemd-nspawn process " + nspawn.pid());
        }
        if (leader > 0 && Netns.alive(leader)) {
            left.add("container PID 1 (host PID " + leader + ")");
        }
        return left;
    }

    /**
     * Shuts the container down ({@code systemctl exit}: every unit is stopped the normal way),
     * kills it if it does not end in time, then removes its cgroups. Never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (nspawn.isAlive() && leader > 0) {
            Cmd.Result r = Cmd.exec(Duration.ofSeconds(10), List.of("nsenter", "--target", Long.toString(leader),
                    "--mount", "--pid", "--", "systemctl", "exit", "0"));
            if (!r.ok()) {
                LOG.warn("systemctl exit failed in the container: {}", r.stderr().strip());
            }
        }
        if (!waitForExit(STOP_TIMEOUT)) {
            LOG.warn("container did not stop within {}: killing it", STOP_TIMEOUT);
            if (leader > 0) {
                Cmd.exec(List.of("kill", "-KILL", Long.toString(leader)));
            }
            if (!waitForExit(Duration.ofSeconds(10))) {
                nspawn.destroyForcibly();
                waitForExit(Duration.ofSeconds(10));
            }
        }
        cleanUp(cgroups, createdRunDirs);
        List<String> left = leftovers();
        if (left.isEmpty()) {
            LOG.info("systemd container stopped (nspawn exit {}), nothing left on the host", nspawn.exitValue());
        } else {
            LOG.warn("systemd container left {}", left);
        }
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return nspawn.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void cleanUp(List<Path> cgroups, List<Path> createdRunDirs) {
        for (Path cg : cgroups) {
            try {
                // A cgroup directory goes away with rmdir once empty; children first.
                Poll.until(Duration.ofSeconds(10), "cgroup " + cg + " to be removable", () -> removeTree(cg));
            } catch (LabException e) {
                LOG.warn("cannot remove {}: {}", cg, e.getMessage());
            }
        }
        for (Path p : createdRunDirs) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", p, e.getMessage());
            }
        }
    }

    private static boolean removeTree(Path cgroup) {
        if (!Files.exists(cgroup)) {
            return true;
        }
        try (Stream<Path> tree = Files.walk(cgroup)) {
            for (Path d : tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(d);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "systemd container " + lab.prefix() + " (PID 1 = host PID " + leader + ")";
    }
}
