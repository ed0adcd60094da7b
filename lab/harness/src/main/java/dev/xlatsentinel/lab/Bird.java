package dev.xlatsentinel.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * BIRD running in the foreground inside a namespace, with its own config and control
 * socket in the lab directory. {@code birdc} talks to the socket from the root namespace.
 * {@link Build} says which BIRD: Debian 12's 2.0.12 (the default), or Debian 13's 2.17 or
 * 3.1 from the {@link RouterRoot}.
 */
public final class Bird implements AutoCloseable {
    /** Which BIRD, and where its binaries are. */
    public enum Build {
        /** Debian 12's bird2 (2.0.12), installed on the machine. */
        DEBIAN12("bird", "birdc", null),
        /** Debian 13's bird2 (2.17), unpacked under /opt/bird2 in the router root. */
        BIRD2_DEBIAN13("/opt/bird2/usr/sbin/bird", "/opt/bird2/usr/sbin/birdc", "bird2"),
        /** Debian 13's bird3 (3.1), installed in the router root. */
        BIRD3_DEBIAN13("/usr/sbin/bird", "/usr/sbin/birdc", "bird3");

        private final String bird;
        private final String birdc;
        private final String rootKey;

        Build(String bird, String birdc, String rootKey) {
            this.bird = bird;
            this.birdc = birdc;
            this.rootKey = rootKey;
        }

        /** The version, e.g. "2.0.12", "2.17.6", "3.1.8". */
        public String version() {
            if (rootKey != null) {
                return RouterRoot.get().version(rootKey);
            }
            Cmd.Result r = Cmd.exec(List.of(bird, "--version"));
            String text = (r.stdout() + r.stderr()).strip();
            return text.substring(text.lastIndexOf(' ') + 1);
        }

        /** "BIRD 2.17.6" */
        public String label() {
            return "BIRD " + version();
        }

        boolean inRoot() {
            return rootKey != null;
        }

        /** The argv for {@code binary} (bird or birdc) with {@code args}, in the root if this build lives there. */
        List<String> argv(Path runDir, String binary, List<String> args) {
            List<String> argv = new ArrayList<>();
            argv.add(binary.equals("birdc") ? birdc : bird);
            argv.addAll(args);
            return rootKey == null ? argv : RouterRoot.get().command(runDir, argv);
        }
    }

    /** One row of {@code show bfd sessions}: BIRD shows state and intervals, not diagnostics. */
    public record BfdSessionRow(String address, String iface, String state, String since, String interval,
            String timeout) {
        /** How far apart two readings of one state change may print; see {@link #sameChangeAs}. */
        static final Duration SINCE_JITTER = Duration.ofMillis(5);

        /**
         * Whether this row's state change is the one {@code other} showed. BIRD keeps the time of
         * the change on its monotonic clock and prints it as wall-clock time minus the time
         * elapsed, both read at each {@code show}, so one change can print 1 ms apart in two
         * calls. A later change (a flap) lies at least a BFD exchange later than that.
         */
        public boolean sameChangeAs(BfdSessionRow other) {
            try {
                long apart = Math.abs(
                        Duration.between(LocalTime.parse(other.since), LocalTime.parse(since)).toMillis());
                long day = Duration.ofDays(1).toMillis();
                return Math.min(apart, day - apart) <= SINCE_JITTER.toMillis();
            } catch (DateTimeParseException notATimeOfDay) {
                // BIRD prints a date once the change is 20 hours old; those carry no jitter.
                return since.equals(other.since);
            }
        }
    }

    private final Netns ns;
    private final String name;
    private final Build build;
    private final Path config;
    private final Path socket;
    private final Path runDir;
    private final Daemon daemon;

    private Bird(Netns ns, String name, Build build, Path config, Path socket, Path runDir, Daemon daemon) {
        this.ns = ns;
        this.name = name;
        this.build = build;
        this.config = config;
        this.socket = socket;
        this.runDir = runDir;
        this.daemon = daemon;
    }

    /** Starts Debian 12's BIRD 2 with {@code config} and waits until its control socket answers. */
    public static Bird start(Netns ns, String config) {
        return start(ns, config, Build.DEBIAN12);
    }

    /** Starts {@code build} with {@code config} and waits until its control socket answers. */
    public static Bird start(Netns ns, String config, Build build) {
        Lab lab = ns.lab();
        String name = ns.name() + "-bird";
        Path conf = lab.file(name + ".conf", config);
        Path socket = lab.dir().resolve(name + ".ctl");
        Path run = lab.dir().resolve(name + "-run");
        Cmd.Result check = Cmd.exec(ns.inside(build.argv(run, "bird", List.of("-p", "-c", conf.toString()))
                .toArray(String[]::new)));
        if (!check.ok()) {
            throw new LabException(build + " rejects its config: " + check.stderr().strip() + "\n" + config);
        }
        Daemon d = ns.start("bird", build.argv(run, "bird", List.of("-f", "-c", conf.toString(), "-s",
                socket.toString(), "-P", lab.dir().resolve(name + ".pid").toString())).toArray(String[]::new));
        Bird bird = lab.register(new Bird(ns, name, build, conf, socket, run, d));
        Poll.until(Duration.ofSeconds(10), Poll.DEFAULT_EVERY, "BIRD control socket in " + ns,
                () -> !d.isAlive() || (Files.exists(socket) && bird.birdcResult("show status").ok()),
                d::logText);
        if (!d.isAlive()) {
            throw new LabException("BIRD exited at start: " + d.logText());
        }
        return bird;
    }

    public Daemon daemon() {
        return daemon;
    }

    public Netns netns() {
        return ns;
    }

    public Build build() {
        return build;
    }

    public Path config() {
        return config;
    }

    /** Runs one birdc command and returns its output; throws if birdc fails. */
    public String birdc(String command) {
        return birdcResult(command).orThrow();
    }

    private Cmd.Result birdcResult(String command) {
        List<String> args = new ArrayList<>(List.of("-s", socket.toString()));
        args.addAll(List.of(command.split("\\s+")));
        return Cmd.exec(Duration.ofSeconds(10), build.argv(runDir, "birdc", args));
    }

    /** Replaces the config and asks BIRD to apply it. */
    public void reconfigure(String newConfig) {
        try {
            Files.writeString(config, newConfig);
        } catch (java.io.IOException e) {
            throw new LabException("cannot write " + config, e);
        }
        String out = birdc("configure");
        if (!out.contains("Reconfigured") && !out.contains("Reconfiguration in progress")) {
            throw new LabException("BIRD did not reconfigure: " + out);
        }
    }

    /** Parses {@code show bfd sessions} (all BFD protocols). */
    public List<BfdSessionRow> bfdSessions() {
        return parseBfdSessions(birdc("show bfd sessions"));
    }

    /** Parses the output of {@code birdc show bfd sessions}, wherever BIRD runs. */
    public static List<BfdSessionRow> parseBfdSessions(String output) {
        List<BfdSessionRow> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // address, interface, state, since (date [time]), interval, timeout
            if (f.length >= 6 && (f[0].contains(":") || f[0].contains("."))
                    && Character.isLetterOrDigit(f[0].charAt(0)) && !f[0].endsWith(":")) {
                rows.add(new BfdSessionRow(f[0], f[1], f[2], String.join(" ", List.of(f).subList(3, f.length - 2)),
                        f[f.length - 2], f[f.length - 1]));
            }
        }
        return rows;
    }

    /** The session to {@code address}, if BIRD has one. */
    public Optional<BfdSessionRow> bfdSession(String address) {
        return bfdSessions().stream().filter(r -> r.address().equalsIgnoreCase(address)).findFirst();
    }

    /** {@code show route for PREFIX all} output, or empty text when BIRD has no route. */
    public String route(String prefix) {
        Cmd.Result r = birdcResult("show route " + prefix + " all");
        return r.ok() ? r.stdout() : "";
    }

    /** True when BIRD has a route for exactly {@code prefix} (any next hop). */
    public boolean hasRoute(String prefix) {
        return showsRoute(route(prefix), prefix);
    }

    /** True when the output of {@code birdc show route ...} has a route for exactly {@code prefix}. */
    public static boolean showsRoute(String output, String prefix) {
        for (String line : output.split("\n")) {
            if (line.startsWith(prefix + " ") || line.startsWith(prefix + "\t")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        daemon.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
