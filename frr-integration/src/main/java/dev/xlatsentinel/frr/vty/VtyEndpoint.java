package dev.xlatsentinel.frr.vty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where one daemon's vty socket is: {@code <vtyDir>/<daemon>.vty}. FRR puts it in
 * {@code /var/run/frr} (the daemons' {@code --vty_socket DIR}), or in
 * {@code /var/run/frr/<name>} when started in a pathspace with {@code -N <name>}. A network
 * namespace does not matter: the socket is a file, reachable from any namespace that sees
 * the directory.
 */
public record VtyEndpoint(Path vtyDir, String daemon) {
    /** FRR's default vty directory (Debian: /var/run/frr, a link to /run/frr). */
    public static final Path DEFAULT_DIR = Path.of("/var/run/frr");

    /** sockaddr_un.sun_path holds 108 bytes including the terminating NUL. */
    private static final int SUN_PATH_MAX = 107;

    public VtyEndpoint {
        if (vtyDir == null) {
            throw new IllegalArgumentException("vtyDir: required (the daemons' --vty_socket directory)");
        }
        if (daemon == null || !daemon.matches("[a-z0-9]+(-[0-9]+)?")) {
            throw new IllegalArgumentException("daemon: expected an FRR daemon name such as bfdd, staticd or "
                    + "ospfd-2, got '" + daemon + "'");
        }
        int len = vtyDir.resolve(daemon + ".vty").toString().getBytes(StandardCharsets.UTF_8).length;
        if (len > SUN_PATH_MAX) {
            throw new IllegalArgumentException("vtyDir: socket path " + vtyDir.resolve(daemon + ".vty") + " is " + len
                    + " bytes, longer than an AF_UNIX address allows (" + SUN_PATH_MAX + ")");
        }
    }

    /** The daemon in FRR's default directory. */
    public static VtyEndpoint of(String daemon) {
        return new VtyEndpoint(DEFAULT_DIR, daemon);
    }

    /** The daemon of FRR started with {@code -N pathspace}. */
    public static VtyEndpoint inPathspace(String pathspace, String daemon) {
        if (pathspace == null || !pathspace.matches("[A-Za-z0-9_.-]+") || pathspace.startsWith(".")) {
            throw new IllegalArgumentException("pathspace: expected the name given to -N, got '" + pathspace + "'");
        }
        return new VtyEndpoint(DEFAULT_DIR.resolve(pathspace), daemon);
    }

    /** The same directory, another daemon. */
    public VtyEndpoint daemon(String other) {
        return new VtyEndpoint(vtyDir, other);
    }

    public Path socket() {
        return vtyDir.resolve(daemon + ".vty");
    }

    @Override
    public String toString() {
        return daemon + " (" + socket() + ")";
    }
}
