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
 * FRR daemons (zebra first, then e.g. bfdd, staticd) in the foreground inside a namespace,
 * each with its vty socket, pid file and empty config in one run directory owned by
 * {@code frr}; the integrated config is then pushed with vtysh (bfdd needs zebra's
 * interface list before it reads {@code interface X} peers). vtysh talks to the sockets
 * from the root namespace.
 */
public final class Frr implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LIBEXEC = Path.of("/usr/lib/frr");

    private final Netns ns;
    private final Path runDir;
    private final Map<String, Daemon> daemons = new LinkedHashMap<>();

    private Frr(Netns ns, Path runDir) {
        this.ns = ns;
        this.runDir = runDir;
    }

    /**
     * Starts zebra and {@code others} (e.g. "bfdd", "staticd"), then applies {@code config}
     * (an integrated frr.conf; may be empty).
     */
    public static Frr start(Netns ns, String config, String... others) {
        Lab lab = ns.lab();
        Path run = lab.dir().resolve(ns.name() + "-frr");
        try {
            Files.createDirectories(run);
        } catch (IOException e) {
            throw new LabException("cannot create " + run, e);
        }
        Cmd.run("chown", "frr:frr", run.toString());
        Frr frr = lab.register(new Frr(ns, run));
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
        Path conf = runDir.resolve(name + ".conf");
        Path vty = runDir.resolve(name + ".vty");
        try {
            if (!Files.exists(conf)) {
                Files.writeString(conf, "");
                Cmd.run("chown", "frr:frr", conf.toString());
            }
            Files.deleteIfExists(vty);
        } catch (IOException e) {
            throw new LabException("cannot prepare " + conf, e);
        }
        List<String> argv = new ArrayList<>(List.of(LIBEXEC.resolve(name).toString(), "-u", "frr", "-g", "frr", "-P",
                "0", "--log", "stdout", "-f", conf.toString(), "-i", runDir.resolve(name + ".pid").toString(), "-z",
                runDir.resolve("zserv.api").toString(), "--vty_socket", runDir.toString()));
        if (name.equals("bfdd")) {
            argv.addAll(List.of("--bfdctl", runDir.resolve("bfdd.sock").toString()));
        }
        Daemon d = ns.lab().register(ns.start("frr-" + name, argv.toArray(String[]::new)));
        daemons.put(name, d);
        Poll.until(Duration.ofSeconds(15), Poll.DEFAULT_EVERY, "FRR " + name + " vty socket in " + ns,
                () -> !d.isAlive() || Files.exists(vty), d::logText);
        if (!d.isAlive()) {
            throw new LabException("FRR " + name + " exited at start: " + d.logText());
        }
        return d;
    }

    /** Pushes an integrated config through vtysh. */
    public void applyConfig(String config) {
        Path file = ns.lab().file(ns.name() + "-frr.conf", config);
        Cmd.Result r = Cmd.exec(List.of("vtysh", "--vty_socket", runDir.toString(), "-f", file.toString()));
        if (!r.ok()) {
            throw new LabException("vtysh -f rejected the config (exit " + r.exit() + "): " + r.stdout() + r.stderr()
                    + "\n" + config);
        }
    }

    /** Runs vtysh commands in order (one {@code -c} each) and returns the output. */
    public Cmd.Result vtysh(String... commands) {
        List<String> argv = new ArrayList<>(List.of("vtysh", "--vty_socket", runDir.toString()));
        for (String c : commands) {
            argv.add("-c");
            argv.add(c);
        }
        return Cmd.exec(argv);
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
