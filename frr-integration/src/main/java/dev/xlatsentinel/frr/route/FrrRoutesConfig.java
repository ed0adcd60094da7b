package dev.xlatsentinel.frr.route;

import dev.xlatsentinel.frr.vty.VtyClientConfig;
import java.nio.file.Path;

/**
 * Where FRR's vty sockets are and how to talk to them.
 *
 * @param vtyDir       the daemons' {@code --vty_socket} directory (/var/run/frr, or /var/run/frr/NAME with -N NAME)
 * @param vty          timeouts and reconnect backoff
 * @param staticDaemon the daemon that takes static route configuration: "staticd" in FRR 8.4; from FRR 9
 *                     static routes are configured through "mgmtd" (staticd's own vty refuses them; tested
 *                     with 10.3). Null: "mgmtd" when its vty socket is in {@code vtyDir} when the first
 *                     static route is sent, else "staticd".
 */
public record FrrRoutesConfig(Path vtyDir, VtyClientConfig vty, String staticDaemon) {
    public FrrRoutesConfig {
        if (vtyDir == null) {
            throw new IllegalArgumentException("vtyDir: required");
        }
        if (vty == null) {
            vty = VtyClientConfig.DEFAULTS;
        }
    }

    /** The daemon to send static routes to now: the configured one, or found as described above. */
    public String staticDaemonNow() {
        if (staticDaemon != null) {
            return staticDaemon;
        }
        return java.nio.file.Files.exists(vtyDir.resolve("mgmtd.vty")) ? "mgmtd" : "staticd";
    }

    public static FrrRoutesConfig of(Path vtyDir) {
        return new FrrRoutesConfig(vtyDir, VtyClientConfig.DEFAULTS, "staticd");
    }
}
