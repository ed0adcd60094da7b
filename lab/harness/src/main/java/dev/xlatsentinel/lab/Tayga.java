package dev.xlatsentinel.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * TAYGA (userspace NAT64 on a TUN device) inside a namespace: the TUN is created persistent
 * with {@code --mktun}, set up and routed (the IPv6 prefix and the IPv4 pool point at it),
 * then the daemon runs in the foreground. It can be killed and started again on the same TUN.
 *
 * <p>With the well-known prefix 64:ff9b::/96 TAYGA drops traffic to private and
 * documentation IPv4 addresses (RFC 6052 §3.1): give servers addresses in 100.64.0.0/10.
 */
public final class Tayga implements AutoCloseable {
    /**
     * @param tun         TUN device name, e.g. "nat64"
     * @param ipv4Address TAYGA's own IPv4 address (used for ICMP it originates), e.g. "192.168.255.1"
     * @param prefix      the NAT64 prefix, e.g. "64:ff9b::/96"
     * @param dynamicPool the IPv4 pool mapped to IPv6 clients, e.g. "192.168.255.0/24"
     * @param ipv6Address TAYGA's own IPv6 address, or null to let TAYGA derive it
     */
    public record Config(String tun, String ipv4Address, String prefix, String dynamicPool, String ipv6Address) {
    }

    private final Netns ns;
    private final Config config;
    private final Path conf;
    private final Path pidFile;
    private Daemon daemon;

    private Tayga(Netns ns, Config config, Path conf, Path pidFile) {
        this.ns = ns;
        this.config = config;
        this.conf = conf;
        this.pidFile = pidFile;
    }

    public static Tayga start(Netns ns, Config c) {
        return start(ns, c, c.prefix());
    }

    /**
     * The same, routing only {@code routed6} (a part of the prefix) to the TUN: several
     * instances in one namespace each take the destinations routed to them, as Jool's
     * instances take what iptables steers to each.
     */
    public static Tayga start(Netns ns, Config c, String routed6) {
        Lab lab = ns.lab();
        String base = ns.name() + "-tayga-" + c.tun();
        Path dataDir = lab.dir().resolve(base + ".d");
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new LabException("cannot create " + dataDir, e);
        }
        StringBuilder text = new StringBuilder()
                .append("tun-device ").append(c.tun()).append('\n')
                .append("ipv4-addr ").append(c.ipv4Address()).append('\n')
                .append("prefix ").append(c.prefix()).append('\n')
                .append("dynamic-pool ").append(c.dynamicPool()).append('\n')
                .append("data-dir ").append(dataDir).append('\n');
        if (c.ipv6Address() != null) {
            text.append("ipv6-addr ").append(c.ipv6Address()).append('\n');
        }
        Path conf = lab.file(base + ".conf", text.toString());
        ns.run("tayga", "-c", conf.toString(), "--mktun");
        ns.up(c.tun());
        ns.ip("route", "add", c.dynamicPool(), "dev", c.tun());
        ns.ip("-6", "route", "add", routed6, "dev", c.tun());
        Tayga t = lab.register(new Tayga(ns, c, conf, lab.dir().resolve(base + ".pid")));
        t.startDaemon();
        return t;
    }

    /** Starts the daemon (again) on the existing TUN. */
    public synchronized Daemon startDaemon() {
        if (daemon != null && daemon.isAlive()) {
            throw new LabException("TAYGA already runs in " + ns);
        }
        daemon = ns.lab().register(ns.start("tayga-" + config.tun(), "tayga", "-c", conf.toString(), "--nodetach",
                "-p", pidFile.toString()));
        Poll.until(Duration.ofSeconds(10), Poll.DEFAULT_EVERY, "TAYGA pid file in " + ns,
                () -> !daemon.isAlive() || Files.exists(pidFile), daemon::logText);
        if (!daemon.isAlive()) {
            throw new LabException("TAYGA exited at start: " + daemon.logText());
        }
        return daemon;
    }

    public Daemon daemon() {
        return daemon;
    }

    public Config config() {
        return config;
    }

    public Path pidFile() {
        return pidFile;
    }

    public Path configFile() {
        return conf;
    }

    public Netns netns() {
        return ns;
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.close();
        }
    }
}
