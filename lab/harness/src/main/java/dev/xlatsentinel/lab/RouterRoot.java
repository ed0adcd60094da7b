package dev.xlatsentinel.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Debian 13 root that holds the routers operators run today (FRR 10.3, BIRD 2.17 under
 * {@code /opt/bird2}, BIRD 3.1, keepalived 2.3.3), made once per machine by
 * {@code lab/router-root} (debootstrap, cached under /var/cache/xlat-sentinel) and shared
 * read-only by every lab.
 *
 * <p>A command runs in it through {@link #command}: {@code unshare --mount} gives the
 * process a private mount namespace, in which /proc, /sys, /dev, the lab's /tmp, a per-router
 * run directory as /run and a tmpfs as /var/tmp are mounted into the root before
 * {@code chroot}. Those mounts belong to that namespace alone and vanish with its last
 * process, so nothing stays mounted after a crash or a kill, and labs never see each other's
 * /run. Under {@code ip netns exec} (which already gave the process the namespace's /sys) the
 * daemon runs in the lab's network namespace as usual, and its PID is the daemon's own
 * (every step execs the next).
 */
public final class RouterRoot {
    private static final Logger LOG = LoggerFactory.getLogger(RouterRoot.class);
    /** How long a first build may take (debootstrap and ~300 MB of packages, once per machine). */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    private static final String ENTER = """
            r=$1; run=$2; shift 2
            mount -t proc proc "$r/proc"
            mount --rbind /sys "$r/sys"
            mount --rbind /dev "$r/dev"
            mount --rbind /tmp "$r/tmp"
            mount --bind "$run" "$r/run"
            mount -t tmpfs -o size=64m tmpfs "$r/var/tmp"
            exec chroot "$r" "$@"
            """;
    private static RouterRoot instance;

    private final Path dir;
    private final Map<String, String> versions;

    private RouterRoot(Path dir, Map<String, String> versions) {
        this.dir = dir;
        this.versions = versions;
    }

    /**
     * The root, built by {@code lab/router-root} when this machine has none yet (the first
     * call may take a minute or two; concurrent JVMs wait on the script's lock).
     */
    public static synchronized RouterRoot get() {
        if (instance == null) {
            Path dir = locate();
            instance = new RouterRoot(dir, readVersions(dir.resolve(".versions")));
            LOG.info("router root {}: {}", dir, instance.versions);
        }
        return instance;
    }

    private static Path locate() {
        String given = System.getProperty("lab.routerRoot");
        if (given != null) {
            Path p = Path.of(given);
            if (!Files.exists(p.resolve(".complete"))) {
                throw new LabException("lab.routerRoot=" + given + " is not a complete root (no .complete)");
            }
            return p;
        }
        Path script = script();
        Cmd.Result check = Cmd.exec(List.of(script.toString(), "--check"));
        if (check.ok()) {
            return Path.of(check.stdout().strip());
        }
        LOG.info("building the Debian 13 router root with {} (once per machine)", script);
        long start = System.nanoTime();
        Cmd.Result r = Cmd.exec(BUILD_TIMEOUT, List.of(script.toString()));
        if (!r.ok()) {
            throw new LabException("lab/router-root failed (exit " + r.exit() + "): " + r.stderr().strip());
        }
        LOG.info("router root built in {} s: {}", (System.nanoTime() - start) / 1_000_000_000L, r.stderr().strip());
        return Path.of(r.stdout().strip());
    }

    /** {@code lab/router-root} of this checkout, found upward from the working directory. */
    static Path script() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("lab/router-root");
            if (Files.isExecutable(s)) {
                return s;
            }
        }
        throw new LabException("lab/router-root not found above " + Path.of("").toAbsolutePath());
    }

    static Map<String, String> readVersions(Path file) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    m.put(line.substring(0, eq), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot read " + file, e);
        }
        return Map.copyOf(m);
    }

    public Path dir() {
        return dir;
    }

    /** A version the root's daemons reported when it was built: frr, bird2, bird3, keepalived. */
    public String version(String key) {
        String v = versions.get(key);
        if (v == null) {
            throw new LabException("the router root records no version of " + key + ": " + versions);
        }
        return v;
    }

    /** The root's uid and gid of user frr (not the host's: the packages created it there). */
    public String frrOwner() {
        return versions.get("frr_uid") + ":" + versions.get("frr_gid");
    }

    /**
     * The argv that runs {@code argv} (a path inside the root) in the root, with {@code runDir}
     * (a directory of the lab, created here) as its /run. Prefix it with
     * {@link Netns#inside} to run it in a lab namespace.
     */
    public List<String> command(Path runDir, List<String> argv) {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new LabException("cannot create " + runDir, e);
        }
        List<String> full = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-ec",
                ENTER, "router-root", dir.toString(), runDir.toString()));
        full.addAll(argv);
        return full;
    }

    @Override
    public String toString() {
        return "router root " + dir;
    }
}
