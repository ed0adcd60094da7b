package dev.xlatsentinel.systemd.units;

import dev.xlatsentinel.lab.HostSysctls;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.SystemdContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real systemd in a container with every shipped unit file installed unchanged, the
 * sysusers.d entry applied at boot, and {@link AgentPayload} as /usr/bin/xlat-sentinel.
 * A JUnit extension: registered as a static field, it boots before the class's tests and,
 * after them, stops the container and fails if anything was left on the host or a host
 * sysctl changed.
 */
final class UnitsTestbed implements BeforeAllCallback, AfterAllCallback {
    /** The shipped files, relative to the module directory (the tests' working directory). */
    static final Path UNITS = Path.of("src/main/units");
    static final Path SYSUSERS = Path.of("src/main/sysusers.d/xlat-sentinel.conf");

    private final String label;
    private final Consumer<SystemdContainer.Builder> extra;
    private Map<String, String> sysctlsBefore;
    private Lab lab;
    private SystemdContainer container;

    /** {@code extra} stages more files (configs, stand-ins) before the boot. */
    UnitsTestbed(String label, Consumer<SystemdContainer.Builder> extra) {
        this.label = label;
        this.extra = extra;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        sysctlsBefore = HostSysctls.snapshot();
        lab = Lab.open(label);
        SystemdContainer.Builder b = SystemdContainer.builder(lab);
        shippedUnits().forEach(b::unitFile);
        b.copy(SYSUSERS, "/usr/lib/sysusers.d/xlat-sentinel.conf");
        AgentPayload.testAgent().stage(b);
        extra.accept(b);
        container = b.boot();
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

    static List<Path> shippedUnits() {
        try (Stream<Path> s = Files.list(UNITS)) {
            return s.filter(p -> p.toString().endsWith(".service")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SystemdContainer container() {
        return container;
    }

    /** Replaces a file inside the running container (through /proc/PID/root). */
    void write(String path, String content) {
        try {
            Files.writeString(container.root().resolve(path.substring(1)), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a unit's properties satisfy {@code condition}; on timeout shows status and journal. */
    void await(String unit, Duration timeout, String what, Predicate<Map<String, String>> condition,
            String... properties) {
        Poll.until(timeout, Duration.ofMillis(100), unit + ": " + what,
                () -> condition.test(container.show(unit, properties)),
                () -> container.systemctl("status", unit).stdout() + "\n" + container.journal(unit));
    }

    /** MainPID of an active service (container PID namespace). */
    long mainPid(String unit) {
        return Long.parseLong(container.show(unit, "MainPID"));
    }

    /** What the container left on the host, and every host sysctl that changed since boot. */
    private List<String> hostChanges() {
        List<String> changes = new java.util.ArrayList<>(container.leftovers());
        changes.addAll(HostSysctls.changes(sysctlsBefore, HostSysctls.snapshot()));
        if (Files.exists(lab.dir())) {
            changes.add("lab directory " + lab.dir());
        }
        return changes;
    }


}
