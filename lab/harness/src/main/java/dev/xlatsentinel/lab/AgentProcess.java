package dev.xlatsentinel.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real xlat-sentinel process, started from the built distribution ({@code bin/xlat-sentinel
 * run -c FILE}) with a config the test wrote, and driven through its CLI as an operator would.
 * The distribution is found through the system property {@code dist.dir} (set by the build).
 */
public final class AgentProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Lab lab;
    private final String name;
    private final Path config;
    private final Path socket;
    private final Path launcher;
    private final java.util.Map<String, String> environment;
    private Daemon daemon;

    private AgentProcess(Lab lab, String name, Path config, Path socket, Path launcher,
            java.util.Map<String, String> environment) {
        this.lab = lab;
        this.name = name;
        this.config = config;
        this.socket = socket;
        this.launcher = launcher;
        this.environment = java.util.Map.copyOf(environment);
    }

    /** The launcher of the built distribution. */
    public static Path launcher() {
        String dist = System.getProperty("dist.dir");
        if (dist == null) {
            throw new LabException("system property dist.dir is not set (the build sets it to the agent's "
                    + "distribution directory)");
        }
        Path p = Path.of(dist, "bin", "xlat-sentinel");
        if (!Files.isExecutable(p)) {
            throw new LabException(p + " is missing: build the agent's distribution first (mvn package)");
        }
        return p;
    }

    /**
     * Writes {@code configYaml} (which must use {@link #socketPath} as its control socket)
     * and starts the agent in the root namespace; waits until its control socket answers.
     */
    public static AgentProcess start(Lab lab, String name, String configYaml) {
        return start(lab, name, configYaml, java.util.Map.of());
    }

    /**
     * The same, with {@code environment} added to the agent's (e.g. {@code JAVA_TOOL_OPTIONS}
     * for a test hook that only a JVM system property reaches).
     */
    public static AgentProcess start(Lab lab, String name, String configYaml,
            java.util.Map<String, String> environment) {
        Path conf = lab.file(name + "-agent.yaml", configYaml);
        AgentProcess a = new AgentProcess(lab, name, conf, socketPath(lab, name), launcher(), environment);
        lab.register(a);
        a.startProcess();
        return a;
    }

    /** The control socket a config for agent {@code name} should use. */
    public static Path socketPath(Lab lab, String name) {
        return lab.dir().resolve(name + "-control.sock");
    }

    private void startProcess() {
        List<String> argv = new ArrayList<>();
        if (!environment.isEmpty()) {
            argv.add("/usr/bin/env");
            environment.forEach((k, v) -> argv.add(k + "=" + v));
        }
        argv.addAll(List.of(launcher.toString(), "run", "-c", config.toString(), "--log-level",
                "debug".equals(System.getProperty("agent.log")) ? "debug" : "info"));
        daemon = lab.start(name + "-agent", argv.toArray(String[]::new));
        Poll.until(Duration.ofSeconds(60), Duration.ofMillis(100), "agent " + name + " answers on its socket",
                () -> !daemon.isAlive() || cli("status", "--json").ok(), daemon::logText);
        if (!daemon.isAlive()) {
            throw new LabException("agent " + name + " exited at start:\n" + daemon.logText());
        }
    }

    /** Starts it again after a stop or kill, with the same config. */
    public void restart() {
        if (daemon.isAlive()) {
            throw new LabException("agent " + name + " still runs");
        }
        startProcess();
    }

    public Daemon daemon() {
        return daemon;
    }

    public Path config() {
        return config;
    }

    /** Replaces the config file (for a reload). */
    public void writeConfig(String yaml) {
        try {
            Files.writeString(config, yaml);
        } catch (IOException e) {
            throw new LabException("cannot write " + config, e);
        }
    }

    /** Runs {@code xlat-sentinel ARGS -s SOCKET} (the socket is added for commands that take it). */
    public Cmd.Result cli(String... args) {
        List<String> argv = new ArrayList<>(List.of(launcher.toString()));
        argv.addAll(List.of(args));
        if (takesSocket(args[0])) {
            argv.addAll(List.of("-s", socket.toString()));
        }
        return Cmd.exec(Duration.ofSeconds(30), argv);
    }

    /** The same CLI call as another user (to check the control socket refuses it). */
    public Cmd.Result cliAs(String user, String... args) {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", user, "--", launcher.toString()));
        argv.addAll(List.of(args));
        if (takesSocket(args[0])) {
            argv.addAll(List.of("-s", socket.toString()));
        }
        return Cmd.exec(Duration.ofSeconds(30), argv);
    }

    /**
     * The same CLI call under a credential-changing runner, e.g.
     * {@code setpriv --reuid=nobody --regid=nogroup --groups=100 --}.
     */
    public Cmd.Result cliUnder(List<String> runner, String... args) {
        List<String> argv = new ArrayList<>(runner);
        argv.add(launcher.toString());
        argv.addAll(List.of(args));
        if (takesSocket(args[0])) {
            argv.addAll(List.of("-s", socket.toString()));
        }
        return Cmd.exec(Duration.ofSeconds(30), argv);
    }

    /** The control socket this agent listens on. */
    public Path socket() {
        return socket;
    }

    private static boolean takesSocket(String command) {
        return List.of("status", "drain", "undrain", "reload").contains(command);
    }

    /** {@code status --json}, parsed. */
    public JsonNode status() {
        String out = cli("status", "--json").orThrow();
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new LabException("status --json is not JSON: " + out, e);
        }
    }

    /** The first native BFD session of {@code service} in {@code status --json}. */
    public JsonNode session(String service) {
        for (JsonNode s : status().path("services")) {
            if (s.path("name").asText().equals(service)) {
                return s.path("bfd").path(0);
            }
        }
        throw new LabException("no service " + service + " in the status of " + name);
    }

    /** SIGTERM, and the exit status (the JVM exits 143 on SIGTERM). */
    public int terminate(Duration timeout) {
        daemon.signal("TERM");
        return daemon.awaitExit(timeout);
    }

    public String log() {
        return daemon.logText();
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Override
    public String toString() {
        return "agent " + name;
    }
}
