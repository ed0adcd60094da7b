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

/**
 * A real systemd in a container with every shipped unit file installed unchanged, the
 * sysusers.d entry applied at boot, and {@link AgentPayload} as /usr/bin/xlat-sentinel.
 * Closing it stops the container; {@link #hostChanges()} then tells what the host kept.
 */
final class UnitsTestbed implements AutoCloseable {
    /** The shipped files, relative to the module directory (the tests' working directory). */
    static final Path UNITS = Path.of("src/main/units");
    static final Path SYSUSERS = Path.of("src/main/sysusers.d/xlat-sentinel.conf");

    private final Map<String, String> sysctlsBefore;
    private final Lab lab;
    private final SystemdContainer container;

    private UnitsTestbed(Map<String, String> sysctlsBefore, Lab lab, SystemdContainer container) {
        this.sysctlsBefore = sysctlsBefore;
        this.lab = lab;
        this.container = container;
    }

    /** Boots; {@code extra} stages more files (configs, stubs) before the boot. */
    static UnitsTestbed boot(String label, Consumer<SystemdContainer.Builder> extra) {
        Map<String, String> sysctls = HostSysctls.snapshot();
        Lab lab = Lab.open(label);
        try {
            SystemdContainer.Builder b = SystemdContainer.builder(lab);
            shippedUnits().forEach(b::unitFile);
            b.copy(SYSUSERS, "/usr/lib/sysusers.d/xlat-sentinel.conf");
            AgentPayload.testAgent().stage(b);
            extra.accept(b);
            return new UnitsTestbed(sysctls, lab, b.boot());
        } catch (RuntimeException e) {
            lab.close();
            throw e;
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
    List<String> hostChanges() {
        List<String> changes = new java.util.ArrayList<>(container.leftovers());
        changes.addAll(HostSysctls.changes(sysctlsBefore, HostSysctls.snapshot()));
        if (Files.exists(lab.dir())) {
            changes.add("lab directory " + lab.dir());
        }
        return changes;
    }

    @Override
    public void close() {
        lab.close();
    }
}
