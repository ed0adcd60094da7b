package dev.xlatsentinel.systemd.units;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent's Debian package as the build made it (agent/target/xlat-sentinel_VERSION_all.deb,
 * attached to the agent module and handed to these tests by the build as the system property
 * {@code agent.deb}). The tests install this very file with dpkg; nothing of it is copied
 * by hand.
 */
final class AgentPackage {
    /** Where the package is copied into the container before it boots. */
    static final String IN_CONTAINER = "/var/cache/xlat-sentinel-test/xlat-sentinel.deb";

    private AgentPackage() {
    }

    static Path file() {
        String path = System.getProperty("agent.deb");
        if (path == null || path.isBlank() || path.startsWith("${")) {
            throw new IllegalStateException("system property agent.deb is not set: run these tests through Maven "
                    + "with the agent module in the build (mvn -pl systemd/it -am verify)");
        }
        Path deb = Path.of(path);
        if (!Files.isRegularFile(deb)) {
            throw new IllegalStateException(deb + " is missing: the agent module's package phase builds it");
        }
        return deb;
    }
}
