package dev.xlatsentinel.systemd.units;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.HostSysctls;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.LabException;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.SystemdContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real systemd 252 in a container with the agent's Debian package installed the way an
 * operator installs it ({@code dpkg -i}: its postinst runs systemd-sysusers and
 * daemon-reload against the booted systemd), so the units, the launcher, the libraries and
 * the system user under test are the package's own. A JUnit extension: registered as a
 * static field, it boots before the class's tests and, after them, stops the container and
 * fails if anything was left on the host or a host sysctl changed.
 */
final class UnitsTestbed implements BeforeAllCallback, AfterAllCallback {
    /** The unit files in the source tree, relative to this module's directory (the tests' working directory). */
    static final Path UNITS = Path.of("../src/main/units");
    /** Bounds every systemctl call: a start waits for a JVM's READY=1 on a loaded 2-core machine. */
    static final Duration SYSTEMCTL = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(UnitsTestbed.class);

    private final String label;
    private final Consumer<SystemdContainer.Builder> stage;
    private final Consumer<UnitsTestbed> installed;
    private Map<String, String> sysctlsBefore;
    private Lab lab;
    private SystemdContainer container;
    private String installOutput;

    /**
     * @param stage     stages more files before the boot (configs, test units, stand-ins)
     * @param installed runs once the package is installed (configs that name its user, test units to start)
     */
    UnitsTestbed(String label, Consumer<SystemdContainer.Builder> stage, Consumer<UnitsTestbed> installed) {
        this.label = label;
        this.stage = stage;
        this.installed = installed;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        sysctlsBefore = HostSysctls.snapshot();
        lab = Lab.open(label);
        SystemdContainer.Builder b = SystemdContainer.builder(lab);
        b.copy(AgentPackage.file(), AgentPackage.IN_CONTAINER);
        stage.accept(b);
        long t0 = System.nanoTime();
        container = b.boot();
        long t1 = System.nanoTime();
        Cmd.Result dpkg = container.exec(Duration.ofMinutes(3), "dpkg", "-i", AgentPackage.IN_CONTAINER);
        installOutput = dpkg.stdout() + dpkg.stderr();
        dpkg.orThrow();
        LOG.info("systemd booted in the container in {} ms; dpkg -i {} took {} ms", (t1 - t0) / 1_000_000,
                AgentPackage.file().getFileName(), (System.nanoTime() - t1) / 1_000_000);
        installed.accept(this);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (lab == null) {
            return;
        }
        lab.close();
        List<String> changes = hostChanges();
        if (!changes.isEmpty()) {
            throw new AssertionError("the container left this on the host: " + changes);
        }
    }

    /** The unit files in the source tree; the package must ship exactly these. */
    static List<Path> sourceUnits() {
        try (Stream<Path> s = Files.list(UNITS)) {
            return s.filter(p -> p.toString().endsWith(".service")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SystemdContainer container() {
        return container;
    }

    /** What {@code dpkg -i} printed (its maintainer scripts' output included). */
    String installOutput() {
        return installOutput;
    }

    /** {@code systemctl ARGS} in the container, bounded by {@link #SYSTEMCTL}. */
    Cmd.Result systemctl(String... args) {
        return container.systemctl(SYSTEMCTL, args);
    }

    /** A command in the container, as root, bounded by {@link #SYSTEMCTL}. */
    Cmd.Result exec(String... argv) {
        return container.exec(SYSTEMCTL, argv);
    }

    /** Writes a file inside the running container (through /proc/PID/root), owned by {@code owner}, with {@code mode}. */
    void write(String path, String content, String owner, String mode) {
        try {
            Path file = container.root().resolve(path.substring(1));
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exec("chown", owner, path).orThrow();
        exec("chmod", mode, path).orThrow();
    }

    /** Writes a file readable by root and the agent's group only, as an agent config should be. */
    void writeConfig(String path, String content) {
        write(path, content, "root:xlat-sentinel", "0640");
    }

    /** A runtime drop-in, in effect (daemon-reload) until closed. */
    interface DropIn extends AutoCloseable {
        @Override
        void close();
    }

    /** Adds /run/systemd/system/UNIT.d/NAME.conf and reloads; closing removes it and reloads again. */
    DropIn dropIn(String unit, String name, String content) {
        String path = "/run/systemd/system/" + unit + ".d/" + name + ".conf";
        write(path, content, "root:root", "0644");
        systemctl("daemon-reload").orThrow();
        return () -> {
            exec("rm", path).orThrow();
            systemctl("daemon-reload").orThrow();
        };
    }

    /**
     * Waits until a unit's properties satisfy {@code condition}; on timeout shows status and
     * journal, and for an agent that is still starting, a thread dump of its JVM first.
     */
    void await(String unit, Duration timeout, String what, Predicate<Map<String, String>> condition,
            String... properties) {
        Poll.until(timeout, Duration.ofMillis(100), unit + ": " + what,
                () -> condition.test(container.show(unit, properties)), () -> {
                    dumpThreadsIfStarting(unit);
                    return systemctl("status", unit).stdout() + "\n" + container.journal(unit);
                });
    }

    /** SIGQUIT makes a JVM print its threads to the journal (and nothing else): where is a start stuck? */
    private void dumpThreadsIfStarting(String unit) {
        if (unit.startsWith("xlat-sentinel") && container.show(unit, "ActiveState").equals("activating")) {
            long dumps = dumps(unit);
            systemctl("kill", "--kill-who=main", "--signal=SIGQUIT", unit);
            try {
                Poll.until(Duration.ofSeconds(10), "a thread dump of " + unit, () -> dumps(unit) > dumps);
            } catch (LabException e) {
                // No dump: the journal shows what there is.
            }
        }
    }

    private long dumps(String unit) {
        return container.journal(unit).lines().filter(l -> l.contains("Full thread dump")).count();
    }

    /** MainPID of an active service (container PID namespace). */
    long mainPid(String unit) {
        return Long.parseLong(container.show(unit, "MainPID"));
    }

    /** {@code xlat-sentinel status --json ARGS}, run by root in the container, parsed. */
    JsonNode agentStatus(String... args) {
        List<String> argv = new ArrayList<>(List.of("xlat-sentinel", "status", "--json"));
        argv.addAll(List.of(args));
        String out = exec(argv.toArray(String[]::new)).orThrow();
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("xlat-sentinel status --json printed no JSON: " + out, e);
        }
    }

    /** What the container left on the host, and every host sysctl that changed since boot. */
    private List<String> hostChanges() {
        List<String> changes = new ArrayList<>(container == null ? List.of() : container.leftovers());
        changes.addAll(HostSysctls.changes(sysctlsBefore, HostSysctls.snapshot()));
        if (Files.exists(lab.dir())) {
            changes.add("lab directory " + lab.dir());
        }
        return changes;
    }
}
