package dev.xlatsentinel.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * keepalived as a BFD peer ({@code bfd_instance} blocks only) in the foreground inside a
 * namespace, logging to the console; its sessions' states are read from its log
 * ({@code (NAME) Entering Up state}), which is all keepalived shows of them. {@link Build}
 * says which: Debian 12's 2.2.7 or Debian 13's 2.3.3 from the {@link RouterRoot}.
 *
 * <p>keepalived speaks single-hop BFD only (RFC 5881, port 3784) and has no authentication.
 * It sends IPv4 with TTL 255 but IPv6 with hop limit 64 unless told {@code hoplimit 255}
 * (RFC 5881 §5 receivers drop anything else).
 */
public final class Keepalived implements AutoCloseable {
    private static final Pattern ENTERING = Pattern.compile("\\((\\S+)\\) Entering (\\S+) state");

    /** Which keepalived. */
    public enum Build {
        DEBIAN12, KEEPALIVED_DEBIAN13;

        /** e.g. "2.2.7", "2.3.3" */
        public String version() {
            if (this == KEEPALIVED_DEBIAN13) {
                return RouterRoot.get().version("keepalived");
            }
            String out = Cmd.exec(List.of("keepalived", "--version")).stderr();
            Matcher m = Pattern.compile("v(\\d+\\.\\d+\\.\\d+)").matcher(out);
            return m.find() ? m.group(1) : out.strip();
        }

        public String label() {
            return "keepalived " + version();
        }
    }

    /** One {@code bfd_instance}: timers in ms, as keepalived takes them. */
    public record BfdInstance(String name, String neighbor, String source, int minRxMs, int minTxMs, int multiplier,
            boolean passive) {
        String render() {
            StringBuilder b = new StringBuilder("bfd_instance ").append(name).append(" {\n")
                    .append("  neighbor_ip ").append(neighbor).append('\n')
                    .append("  source_ip ").append(source).append('\n')
                    .append("  min_rx ").append(minRxMs).append('\n')
                    .append("  min_tx ").append(minTxMs).append('\n')
                    .append("  multiplier ").append(multiplier).append('\n');
            // RFC 5881 §5: single-hop packets leave with TTL/hop limit 255; keepalived's IPv6 default is 64.
            b.append(neighbor.contains(":") ? "  hoplimit 255\n" : "  ttl 255\n");
            if (passive) {
                b.append("  passive\n");
            }
            return b.append("}\n").toString();
        }
    }

    private final Netns ns;
    private final Build build;
    private final Daemon daemon;

    private Keepalived(Netns ns, Build build, Daemon daemon) {
        this.ns = ns;
        this.build = build;
        this.daemon = daemon;
    }

    /** Starts keepalived with these BFD instances (and nothing else) and waits for its BFD child. */
    public static Keepalived start(Netns ns, Build build, List<BfdInstance> instances) {
        Lab lab = ns.lab();
        String name = ns.name() + "-keepalived";
        StringBuilder conf = new StringBuilder();
        instances.forEach(i -> conf.append(i.render()));
        Path file = lab.file(name + ".conf", conf.toString());
        Path run = lab.dir().resolve(name + "-run");
        List<String> argv = new ArrayList<>(List.of(build == Build.DEBIAN12 ? "keepalived" : "/usr/sbin/keepalived",
                "--dont-fork", "--log-console", "--log-detail", "--no-syslog", "--dont-respawn", "-f", file.toString(),
                "-p", lab.dir().resolve(name + ".pid").toString(), "-b",
                lab.dir().resolve(name + "-bfd.pid").toString(), "-r", lab.dir().resolve(name + "-vrrp.pid").toString(),
                "-c", lab.dir().resolve(name + "-checkers.pid").toString()));
        List<String> full = build == Build.DEBIAN12 ? argv : RouterRoot.get().command(run, argv);
        Daemon d = ns.start("keepalived", full.toArray(String[]::new));
        Keepalived k = lab.register(new Keepalived(ns, build, d));
        Poll.until(java.time.Duration.ofSeconds(10), Poll.DEFAULT_EVERY, "keepalived's BFD child in " + ns,
                () -> !d.isAlive() || d.logText().contains("Startup complete") && d.logText().contains("BFD child"),
                d::logText);
        if (!d.isAlive() || d.logText().contains("permanent error")) {
            throw new LabException("keepalived exited at start: " + d.logText());
        }
        return k;
    }

    public Build build() {
        return build;
    }

    public Daemon daemon() {
        return daemon;
    }

    /** The states {@code instance} entered, in order, as its log says (e.g. [Up, Down, Up]). */
    public List<String> transitions(String instance) {
        return transitions(daemon.logText(), instance);
    }

    static List<String> transitions(String log, String instance) {
        List<String> states = new ArrayList<>();
        Matcher m = ENTERING.matcher(log);
        while (m.find()) {
            if (m.group(1).equals(instance)) {
                states.add(m.group(2));
            }
        }
        return states;
    }

    /** The state {@code instance} entered last ("Down" before any). */
    public String state(String instance) {
        List<String> t = transitions(instance);
        return t.isEmpty() ? "Down" : t.get(t.size() - 1);
    }

    public Netns netns() {
        return ns;
    }

    @Override
    public void close() {
        daemon.close();
    }

    @Override
    public String toString() {
        return "keepalived in " + ns;
    }
}
