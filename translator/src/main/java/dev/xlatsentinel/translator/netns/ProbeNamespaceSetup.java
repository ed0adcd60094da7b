package dev.xlatsentinel.translator.netns;

import dev.xlatsentinel.platform.net.InterfaceAddress;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.netns.NamespaceException;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.process.Subprocess;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a probe namespace joined to the translator's namespace by a veth pair, so datapath
 * probes enter the translator from outside (netfilter Jool does not translate traffic that
 * starts in its own namespace). Done once at start-up with {@code ip} commands, never per probe.
 *
 * <pre>
 *  probe ns                       translator ns (or host)
 *  [probeInterface] ---- veth ---- [translatorInterface]
 *   probeAddress                    translatorAddress
 *   default via translatorAddress
 * </pre>
 * If the probe namespace already exists it is left as it is (an agent restart reuses it).
 */
public final class ProbeNamespaceSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeNamespaceSetup.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LINK_UP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param probeNamespace      name of the namespace to create (ip netns)
     * @param translatorNamespace name of the translator's namespace, or null for the host
     * @param probeAddress        IPv6 address with length on the probe side, e.g. 2001:db8:ffff::2/64
     * @param translatorAddress   IPv6 address with length on the translator side, e.g. 2001:db8:ffff::1/64
     */
    public record Plan(String probeNamespace, String translatorNamespace, String probeInterface,
            String translatorInterface, InterfaceAddress probeAddress, InterfaceAddress translatorAddress) {
    }

    private ProbeNamespaceSetup() {
    }

    /** Creates the namespace and link unless the namespace exists; waits until both ends are up. */
    public static void ensure(Plan p) {
        if (Files.exists(NetworkNamespace.resolve(p.probeNamespace()))) {
            LOG.info("probe namespace {} exists; using it as it is", p.probeNamespace());
            return;
        }
        List<String> peerNs = p.translatorNamespace() == null ? List.of() : List.of("netns", p.translatorNamespace());
        List<String> t = p.translatorNamespace() == null ? List.of("ip") : List.of("ip", "-n", p.translatorNamespace());
        List<String> pr = List.of("ip", "-n", p.probeNamespace());
        try {
            run("ip", "netns", "add", p.probeNamespace());
            List<String> add = new ArrayList<>(List.of("ip", "link", "add", "name", p.probeInterface(), "netns",
                    p.probeNamespace(), "type", "veth", "peer", "name", p.translatorInterface()));
            add.addAll(peerNs);
            run(add);
            run(concat(pr, "link", "set", "lo", "up"));
            run(concat(pr, "link", "set", p.probeInterface(), "up"));
            run(concat(t, "link", "set", p.translatorInterface(), "up"));
            run(concat(pr, "-6", "addr", "add", p.probeAddress().toString(), "dev", p.probeInterface(), "nodad"));
            run(concat(t, "-6", "addr", "add", p.translatorAddress().toString(), "dev", p.translatorInterface(),
                    "nodad"));
            run(concat(pr, "-6", "route", "add", "default", "via", IpAddresses.text(p.translatorAddress().address()),
                    "dev", p.probeInterface()));
            awaitUp(pr, p.probeInterface());
            awaitUp(t, p.translatorInterface());
        } catch (NamespaceException e) {
            remove(p.probeNamespace());
            throw e;
        }
        LOG.info("probe namespace {} created, {} <-> {} {}", p.probeNamespace(), p.probeInterface(),
                p.translatorNamespace() == null ? "host" : p.translatorNamespace(), p.translatorInterface());
    }

    /** Deletes the probe namespace (and with it the veth pair), if it exists. */
    public static void remove(String probeNamespace) {
        if (Files.exists(NetworkNamespace.resolve(probeNamespace))) {
            try {
                run("ip", "netns", "delete", probeNamespace);
            } catch (NamespaceException e) {
                LOG.warn("cannot delete probe namespace {}: {}", probeNamespace, e.getMessage());
            }
        }
    }

    private static void awaitUp(List<String> ip, String ifname) {
        long deadline = System.nanoTime() + LINK_UP_TIMEOUT.toNanos();
        while (true) {
            String out = run(concat(ip, "-o", "link", "show", "dev", ifname));
            if (out.contains("LOWER_UP") && (out.contains("state UP") || out.contains("state UNKNOWN"))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new NamespaceException(ifname + " not up after " + LINK_UP_TIMEOUT.toSeconds() + " s: " + out);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NamespaceException("interrupted waiting for " + ifname);
            }
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> l = new ArrayList<>(head);
        l.addAll(Arrays.asList(tail));
        return l;
    }

    private static String run(String... argv) {
        return run(List.of(argv));
    }

    private static String run(List<String> argv) {
        try {
            Process p = Subprocess.childProcess(argv).redirectErrorStream(true).start();
            // ip prints a few lines and exits; read all, then check the exit status.
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new NamespaceException(String.join(" ", argv) + " did not finish within "
                        + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            if (p.exitValue() != 0) {
                throw new NamespaceException(String.join(" ", argv) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new NamespaceException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NamespaceException("interrupted running " + String.join(" ", argv), e);
        }
    }
}
