package dev.xlatsentinel.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One test's network lab: namespaces, links, daemons and files, all named with a prefix
 * unique to this run ({@code xs} + 6 hex digits) and all removed by {@link #close()}, in
 * reverse order of creation, even when the test failed. A JVM shutdown hook closes labs a
 * test forgot; {@code lab/sweep} removes what a killed JVM left.
 *
 * <pre>{@code
 * try (Lab lab = Lab.open("bfd-bird")) {
 *     Netns a = lab.netns("a"), b = lab.netns("b");
 *     lab.link(a, "eth0", b, "eth0");
 *     a.addr("eth0", "2001:db8::1/64");
 *     ...
 * }
 * }</pre>
 */
public final class Lab implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lab.class);
    private static final Set<Lab> OPEN = ConcurrentHashMap.newKeySet();
    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(Lab::close), "lab-teardown"));
    }

    private final String prefix;
    private final Path dir;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private boolean closed;

    private Lab(String label) {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        this.prefix = "xs" + HexFormat.of().formatHex(b);
        try {
            this.dir = Files.createDirectory(Path.of("/tmp", prefix + "-" + label));
            // FRR daemons drop to user frr and must reach their run directories below this one.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            // lab/sweep leaves a lab alone while the process that owns it lives.
            Files.writeString(dir.resolve("owner.pid"), ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OPEN.add(this);
        LOG.info("lab {} opened in {}", prefix, dir);
    }

    /** Opens a lab; {@code label} names it in paths and logs (letters, digits, dashes). */
    public static Lab open(String label) {
        if (!label.matches("[A-Za-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("lab label must be 1-40 letters, digits or dashes: " + label);
        }
        return new Lab(label);
    }

    /** The run's unique prefix, e.g. {@code xs1a2b3c}. */
    public String prefix() {
        return prefix;
    }

    /** A directory for this lab's files, removed at close. */
    public Path dir() {
        return dir;
    }

    /** Writes a file in the lab directory and returns its path. */
    public Path file(String name, String content) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            return Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the namespace {@code <prefix>-<role>} with lo up and IPv6 DAD off. */
    public Netns netns(String role) {
        if (!role.matches("[a-z0-9]{1,12}")) {
            throw new IllegalArgumentException("namespace role must be 1-12 lowercase letters or digits: " + role);
        }
        String name = prefix + "-" + role;
        Cmd.run("ip", "netns", "add", name);
        Netns ns = register(new Netns(this, name));
        ns.ip("link", "set", "lo", "up");
        ns.sysctl("net.ipv6.conf.all.accept_dad", "0");
        ns.sysctl("net.ipv6.conf.default.accept_dad", "0");
        return ns;
    }

    /**
     * Joins two namespaces with a veth pair created directly inside them (no name is ever
     * taken in the root namespace), sets both ends up and waits until both report UP.
     */
    public void link(Netns a, String ifA, Netns b, String ifB) {
        Cmd.run("ip", "link", "add", "name", ifA, "netns", a.name(), "type", "veth", "peer", "name", ifB, "netns",
                b.name());
        a.up(ifA);
        b.up(ifB);
        a.awaitOperUp(ifA, Duration.ofSeconds(10));
        b.awaitOperUp(ifB, Duration.ofSeconds(10));
    }

    /** Starts a foreground daemon in the root namespace; stopped at teardown. */
    public Daemon start(String label, String... argv) {
        return register(new Daemon(label, java.util.List.of(argv), dir.resolve(label + ".log")));
    }

    /**
     * Leaves the lab up when this JVM exits (the demo's {@code --keep}): the shutdown hook
     * will not tear it down and {@code lab/sweep} no longer sees an owner. Returns the command
     * that removes it later.
     */
    public synchronized String detach() {
        OPEN.remove(this);
        closed = true;
        try {
            Files.deleteIfExists(dir.resolve("owner.pid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "lab/sweep " + prefix;
    }

    /** Registers something to close at teardown (before what was registered earlier). */
    public synchronized <T extends AutoCloseable> T register(T resource) {
        if (closed) {
            throw new IllegalStateException("lab " + prefix + " is closed");
        }
        resources.push(resource);
        return resource;
    }

    /** Removes everything; never throws (a teardown failure is logged and the rest still runs). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> failures = new ArrayList<>();
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                failures.add(r + ": " + e.getMessage());
            }
        }
        if (Boolean.getBoolean("lab.keepFiles")) {
            LOG.info("lab {} files kept in {}", prefix, dir);
        } else {
            Cmd.exec(List.of("rm", "-rf", dir.toString()));
        }
        OPEN.remove(this);
        if (failures.isEmpty()) {
            LOG.info("lab {} torn down", prefix);
        } else {
            LOG.warn("lab {} torn down with failures: {}", prefix, failures);
        }
    }

    /** Names of namespaces that exist now with this lab's prefix (empty after close). */
    public List<String> leftovers() {
        List<String> left = new ArrayList<>();
        for (String line : Cmd.run("ip", "netns", "list").split("\n")) {
            if (line.startsWith(prefix + "-")) {
                left.add(line.split("\\s+")[0]);
            }
        }
        return left;
    }
}
