package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A systemd unit is active ({@code systemctl is-active UNIT}). Fails closed when systemd is
 * not the init system: the check sd_booted(3) makes, whether /run/systemd/system/ exists. As
 * a user other than root (the shipped unit's xlat-sentinel) systemctl reads the unit's state
 * over the D-Bus system bus, so that needs dbus running.
 */
public final class SystemdUnitProbe implements Probe {
    /** systemctl as a user other than root asks systemd over the D-Bus system bus. */
    static final String NO_BUS_HINT = " (not as root, systemctl needs the D-Bus system bus: is package dbus "
            + "installed and dbus.socket active?)";

    private final String name;
    private final String unit;
    private final Subprocess subprocess;
    private final Path systemdRunDir;

    public SystemdUnitProbe(String name, String unit, Subprocess subprocess) {
        this(name, unit, subprocess, Path.of("/run/systemd/system"));
    }

    SystemdUnitProbe(String name, String unit, Subprocess subprocess, Path systemdRunDir) {
        this.name = name;
        this.unit = unit;
        this.subprocess = subprocess;
        this.systemdRunDir = systemdRunDir;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        if (!Files.isDirectory(systemdRunDir)) {
            return CompletableFuture.completedFuture(ProbeResult.fail(name, "systemd is not running as PID 1 (no "
                    + systemdRunDir + "): cannot tell whether unit " + unit + " is active"));
        }
        return subprocess.run(List.of("systemctl", "is-active", "--", unit), timeout).thenApply(r -> {
            String state = Subprocess.firstLine(r.stdout());
            if (r.ok() && state.equals("active")) {
                return ProbeResult.pass(name, "unit " + unit + " is active");
            }
            if (r.startError() != null || r.timedOut() || state.isEmpty()) {
                String hint = r.stderr().contains("Failed to connect to bus") ? NO_BUS_HINT : "";
                return ProbeResult.fail(name, "cannot check unit " + unit + ": " + r.failure() + hint);
            }
            return ProbeResult.fail(name, "unit " + unit + " is " + state);
        });
    }
}
