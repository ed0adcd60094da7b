package dev.xlatsentinel.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FRR daemons in the foreground inside a namespace, each with its vty socket and pid file
 * in one run directory owned by {@code frr}; the integrated config is then pushed with
 * vtysh (bfdd needs zebra's interface list before it reads {@code interface X} peers).
 * vtysh talks to the sockets from the root namespace.
 *
 * <p>{@link Build} says which FRR: Debian 12's 8.4 (zebra first, each daemon with an empty
 * config file) or Debian 13's 10.3 from the {@link RouterRoot}. FRR 10 configures staticd
 * (and zebra's northbound) through mgmtd, which therefore starts first: without it zebra
 * retries its backend connection and logs endlessly. Its daemons take no config file
 * ({@code -f} is gone from mgmtd and staticd) and bfdd has no {@code --bfdctl}; mgmtd's
 * sockets are in {@code /run/frr}, a directory of this router's own.
 */
public final class Frr implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LIBEXEC = Path.of("/usr/lib/frr");

    /** Which FRR. */
    public enum Build {
        /** Debian 12's frr 8.4, installed on the machine. */
        DEBIAN12,
        /** Debian 13's frr 10.3, in the router root. */
        FRR10_DEBIAN13;

        /** e.g. "8.4.4", "10.3" */
        public String version() {
            if (this == FRR10_DEBIAN13) {
                return RouterRoot.get().version("frr");
            }
            String out = Cmd.exec(List.of(LIBEXEC.resolve("zebra").toString(), "--version")).stdout();
            String first = out.split("\n")[0].strip();
            return first.substring(first.lastIndexOf(' ') + 1);
        }

        public String label() {
            return "FRR " + version();
        }
    }

    private final Netns ns;
    private final Build build;
    private final Path runDir;
    /** FRR 10's /run (mgmtd's sockets), null for 8.4. */
    private final Path rootRun;
    private final Map<String, Daemon> daemons = new LinkedHashMap<>();

    private Frr(Netns ns, Build build, Path runDir, Path rootRun) {
        this.ns = ns;
        this.build = build;
        this.runDir = runDir;
        this.rootRun = rootRun;
    }

    /**
     * Starts Debian 12's zebra and {@code others} (e.g. "bfdd", "staticd"), then applies
     * {@code config} (an integrated frr.conf; may be empty).
     */
    public static Frr start(Netns ns, String config, String... others) {
        return start(ns, Build.DEBIAN12, config, others);
    }

    /**
     * Starts {@code build}'s zebra (after mgmtd for FRR 10) and {@code others}, then applies
     * {@code config} (an integrated frr.conf; may be empty).
     */
    public static Frr start(Netns ns, Build build, String config, String... others) {
        Lab lab = ns.lab();
        Path run = lab.dir().resolve(ns.name() + "-frr");
        Path rootRun = build == Build.FRR10_DEBIAN13 ? lab.dir().resolve(ns.name() + "-frr-run") : null;
        String owner = build == Build.FRR10_DEBIAN13 ? RouterRoot.get().frrOwner() : "frr:frr";
        try {
            Files.createDirectories(run);
            if (rootRun != null) {
                Files.createDirectories(rootRun.resolve("frr"));
                Cmd.run("chown", owner, rootRun.resolve("frr").toString());
            }
        } catch (IOException e) {
            throw new LabException("cannot create " + run, e);
        }
        Cmd.run("chown", owner, run.toString());
        Frr frr = lab.register(new Frr(ns, build, run, rootRun));
        if (build == Build.FRR10_DEBIAN13) {
            frr.startDaemon("mgmtd");
        }
        frr.startDaemon("zebra");
        for (String d : others) {
            frr.startDaemon(d);
        }
        if (!config.isBlank()) {
            frr.applyConfig(config);
        }
        return frr;
    }

    public Path vtyDir() {
        return runDir;
    }

    public Build build() {
        return build;
    }

    public Netns netns() {
        return ns;
    }

    public Daemon daemon(String name) {
        Daemon d = daemons.get(name);
        if (d == null) {
            throw new LabException("no FRR daemon " + name + " in " + ns);
        }
        return d;
    }

    /** Starts (or starts again, after a kill) one daemon and waits for its vty socket. */
    public synchronized Daemon startDaemon(String name) {
        Daemon old = daemons.get(name);
        if (old != null && old.isAlive()) {
            throw new LabException("FRR " + name + " already runs in " + ns);
        }
        boolean ten = build == Build.FRR10_DEBIAN13;
        Path conf = runDir.resolve(name + ".conf");
        Path vty = runDir.resolve(name + ".vty");
        try {
            if (!ten && !Files.exists(conf)) {
                Files.writeString(conf, "");
                Cmd.run("chown", "frr:frr", conf.toString());
            }
            Files.deleteIfExists(vty);
        } catch (IOException e) {
            throw new LabException("cannot prepare " + conf, e);
        }
        List<String> argv = new ArrayList<>(List.of(LIBEXEC.resolve(name).toString(), "-u", "frr", "-g", "frr", "-P",
                "0", "--log", "stdout", "-i", runDir.resolve(name + ".pid").toString(), "-z",
                runDir.resolve("zserv.api").toString(), "--vty_socket", runDir.toString()));
        if (!ten) {
            argv.addAll(List.of("-f", conf.toString()));
            if (name.equals("bfdd")) {
                argv.addAll(List.of("--bfdctl", runDir.resolve("bfdd.sock").toString()));
            }
        }
        List<String> full = ten ? RouterRoot.get().command(rootRun, argv) : argv;
        Daemon d = ns.lab().register(ns.start("frr-" + name, full.toArray(String[]::new)));
        daemons.put(name, d);
        // The socket file appears at bind(); a daemon still starting (FRR 10 under load) refuses
        // connections for a while after that, so wait until one is accepted.
        Poll.until(Duration.ofSeconds(15), Poll.DEFAULT_EVERY, "FRR " + name + " accepting on its vty socket in " + ns,
                () -> !d.isAlive() || accepts(vty), d::logText);
        if (!d.isAlive()) {
            throw new LabException("FRR " + name + " exited at start: " + d.logText());
        }
        return d;
    }

    private static boolean accepts(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            return c.isConnected();
        } catch (IOException refused) {
            return false;
        }
    }

    /** Pushes an integrated config through vtysh. */
    public void applyConfig(String config) {
        Path file = ns.lab().file(ns.name() + "-frr.conf", config);
        Cmd.Result r = applyConfigFile(file);
        if (!r.ok()) {
            throw new LabException("vtysh -f rejected the config (exit " + r.exit() + "): " + r.stdout() + r.stderr()
                    + "\n" + config);
        }
    }

    /** {@code vtysh -f FILE} of this FRR's own version, as an operator applies a config file. */
    public Cmd.Result applyConfigFile(Path file) {
        return Cmd.exec(vtyshArgv(List.of("-f", file.toString())));
    }

    /** Runs vtysh commands in order (one {@code -c} each) and returns the output. */
    public Cmd.Result vtysh(String... commands) {
        List<String> args = new ArrayList<>();
        for (String c : commands) {
            args.add("-c");
            args.add(c);
        }
        return Cmd.exec(vtyshArgv(args));
    }

    private List<String> vtyshArgv(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("vtysh", "--vty_socket", runDir.toString()));
        argv.addAll(args);
        return build == Build.FRR10_DEBIAN13 ? RouterRoot.get().command(rootRun, argv) : argv;
    }

    /** Runs a {@code show ... json} command and parses its output. */
    public JsonNode json(String showCommand) {
        String out = vtysh(showCommand).orThrow();
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new LabException("not JSON from '" + showCommand + "': " + out, e);
        }
    }

    @Override
    public void close() {
        List<Daemon> all = new ArrayList<>(daemons.values());
        java.util.Collections.reverse(all);
        all.forEach(Daemon::close);
    }

    @Override
    public String toString() {
        return "frr in " + ns;
    }
}
