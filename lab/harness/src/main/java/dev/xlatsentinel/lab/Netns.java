package dev.xlatsentinel.lab;

import dev.xlatsentinel.platform.netns.NamespaceException;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A network namespace the lab created. Commands run inside it with {@code ip netns exec};
 * Java code that must open sockets inside it runs on {@link #executor()}, a thread that
 * entered the namespace with setns(2) (a socket belongs to the namespace it was created in,
 * whichever thread uses it later).
 *
 * <p>IPv6 duplicate address detection is off in the namespace, so addresses (link-local
 * ones too) are usable as soon as the link is up.
 */
public final class Netns implements AutoCloseable {
    private final Lab lab;
    private final String name;
    private NetworkNamespace namespace;

    Netns(Lab lab, String name) {
        this.lab = lab;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Lab lab() {
        return lab;
    }

    /** The bind-mounted namespace file, for setns(2) or systemd's NetworkNamespacePath=. */
    public Path path() {
        return Path.of("/run/netns", name);
    }

    /** Runs a command inside the namespace. */
    public Cmd.Result exec(String... argv) {
        return exec(Cmd.DEFAULT_TIMEOUT, argv);
    }

    public Cmd.Result exec(Duration timeout, String... argv) {
        return Cmd.exec(timeout, inside(argv));
    }

    /** Runs a command inside the namespace and returns stdout; throws if it fails. */
    public String run(String... argv) {
        return exec(argv).orThrow();
    }

    /** The argv that runs {@code argv} inside this namespace. */
    public List<String> inside(String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(Arrays.asList(argv));
        return full;
    }

    /** {@code ip ARGS} inside the namespace. */
    public String ip(String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "-n", name));
        full.addAll(Arrays.asList(args));
        return Cmd.exec(full).orThrow();
    }

    /** Adds an address (IPv4 or IPv6 CIDR) to an interface; IPv6 without DAD. */
    public Netns addr(String ifname, String cidr) {
        if (cidr.contains(":")) {
            ip("-6", "addr", "add", cidr, "dev", ifname, "nodad");
        } else {
            ip("addr", "add", cidr, "dev", ifname);
        }
        return this;
    }

    public Netns up(String ifname) {
        ip("link", "set", ifname, "up");
        return this;
    }

    public Netns sysctl(String key, String value) {
        run("sysctl", "-q", "-w", key + "=" + value);
        return this;
    }

    /** True when the interface's operational state is UP (veth reports it with a delay). */
    public boolean operUp(String ifname) {
        Cmd.Result r = Cmd.exec(List.of("ip", "-n", name, "-o", "link", "show", "dev", ifname));
        return r.ok() && (r.stdout().contains("state UP") || r.stdout().contains("state UNKNOWN"))
                && r.stdout().contains("LOWER_UP");
    }

    public void awaitOperUp(String ifname, Duration timeout) {
        Poll.until(timeout, Poll.DEFAULT_EVERY, name + " " + ifname + " operstate up", () -> operUp(ifname),
                () -> Cmd.exec(List.of("ip", "-n", name, "link", "show", "dev", ifname)).stdout());
    }

    /** The link-local address of an interface, without scope (e.g. fe80::1c2:3ff:fe04:506). */
    public String linkLocal(String ifname) {
        String out = ip("-6", "-o", "addr", "show", "dev", ifname, "scope", "link");
        for (String tok : out.split("\\s+")) {
            if (tok.startsWith("fe80:")) {
                return tok.substring(0, tok.indexOf('/'));
            }
        }
        throw new LabException("no link-local address on " + name + " " + ifname + ": " + out);
    }

    /** Sends {@code count} pings and returns true if any reply came back; bounded by count and deadline. */
    public boolean ping(String address, int count) {
        String deadline = Integer.toString(Math.max(2, count));
        Cmd.Result r = exec(Duration.ofSeconds(count + 10L), "ping", "-n", "-q", "-c", Integer.toString(count), "-i",
                "0.2", "-w", deadline, address);
        return r.ok();
    }

    /** Starts a foreground daemon inside the namespace; the lab stops it at teardown. */
    public Daemon start(String label, String... argv) {
        Path log = lab.dir().resolve(name + "-" + label + ".log");
        return lab.register(new Daemon(label, inside(argv), log));
    }

    /** A single thread inside this namespace, for opening sockets there. Created on first use. */
    public synchronized Executor executor() {
        if (namespace == null) {
            try {
                namespace = NetworkNamespace.open(name);
            } catch (NamespaceException e) {
                throw new LabException("cannot enter network namespace " + name, e);
            }
        }
        return namespace.executor();
    }

    /**
     * A pool of {@code n} threads inside this namespace (e.g. parallel senders); the caller
     * shuts it down.
     */
    public ExecutorService threads(int n) {
        return Executors.newFixedThreadPool(n, NetworkNamespace.threadFactory(name, "netns-" + name));
    }

    /** Runs {@code task} on the namespace's thread and returns its result. */
    public <T> T call(Callable<T> task) {
        try {
            executor();
            return namespace.call(task).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted in " + name, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new LabException("task in " + name + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new LabException("task in " + name + " did not finish in 30 s", e);
        }
    }

    /** PIDs of processes whose network namespace is this one. */
    public List<Long> pids() {
        Cmd.Result r = Cmd.exec(List.of("ip", "netns", "pids", name));
        List<Long> pids = new ArrayList<>();
        if (r.ok()) {
            for (String line : r.stdout().split("\\s+")) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.strip()));
                }
            }
        }
        return pids;
    }

    /** Kills whatever still runs inside, then deletes the namespace. */
    @Override
    public void close() {
        synchronized (this) {
            if (namespace != null) {
                namespace.close();
            }
        }
        for (int round = 0; round < 50; round++) {
            List<Long> pids = pids();
            pids.removeIf(pid -> pid == ProcessHandle.current().pid() || !alive(pid));
            if (pids.isEmpty()) {
                break;
            }
            for (long pid : pids) {
                Cmd.exec(List.of("kill", "-9", Long.toString(pid)));
            }
            Poll.until(Duration.ofSeconds(5), "processes in " + name + " to exit",
                    () -> pids.stream().noneMatch(Netns::alive));
        }
        if (Files.exists(path())) {
            Cmd.exec(List.of("ip", "netns", "delete", name));
        }
    }

    /** Alive and not a zombie (this machine's PID 1 reaps late: kill -0 is not enough). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && stat.length() > close + 2 && stat.charAt(close + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
