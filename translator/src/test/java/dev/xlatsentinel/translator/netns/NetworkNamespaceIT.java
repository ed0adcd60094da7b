package dev.xlatsentinel.translator.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.platform.net.InterfaceAddress;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.netns.NamespaceException;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.host.CommandProbe;
import dev.xlatsentinel.translator.host.InterfaceProbe;
import dev.xlatsentinel.translator.host.RouteProbe;
import dev.xlatsentinel.translator.host.Rtnetlink;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** setns threads, and the probes that read a namespace (links, routes, commands), in real namespaces. */
class NetworkNamespaceIT {
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void socketsOpenedOnTheNamespaceThreadBelongToThatNamespace() throws Exception {
        try (Lab lab = Lab.open("xlat-netns")) {
            Netns a = lab.netns("a");
            Netns b = lab.netns("b");
            lab.link(a, "eth0", b, "eth0");
            a.addr("eth0", "100.64.3.1/24");
            try (NetworkNamespace ns = NetworkNamespace.open(a.name())) {
                DatagramSocket s = ns.call(() -> new DatagramSocket(new InetSocketAddress(
                        InetAddress.getByName("100.64.3.1"), 0))).join();
                try (s) {
                    assertThat(s.getLocalAddress().getHostAddress()).isEqualTo("100.64.3.1");
                }
                assertThat(ns.call(() -> Files.readString(Path.of("/proc/thread-self/net/dev"))).join())
                        .contains("eth0:");
                assertThat(ns.commandPrefix()).containsExactly("ip", "netns", "exec", a.name());
            }
            assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName("100.64.3.1"), 0)))
                    .isInstanceOf(BindException.class);
            try (NetworkNamespace byPath = NetworkNamespace.open(a.path().toString())) {
                assertThat(byPath.commandPrefix()).containsExactly("ip", "netns", "exec", a.name());
                assertThat(byPath.call(() -> Files.readString(Path.of("/proc/thread-self/net/dev"))).join())
                        .contains("eth0:");
            }
            // A namespace known only through a process in it.
            String procNs = "/proc/" + a.start("sleeper", "sleep", "60").pid() + "/ns/net";
            // Until 'ip netns exec' has entered the namespace, the process is still in ours.
            String inA = "net:[" + Files.getAttribute(a.path(), "unix:ino") + "]";
            Poll.until(Duration.ofSeconds(10), "the sleeper in " + a.name(),
                    () -> inA.equals(readLink(procNs)));
            try (NetworkNamespace byPid = NetworkNamespace.open(procNs)) {
                assertThat(byPid.commandPrefix()).containsExactly("nsenter", "--net=" + procNs, "--");
                assertThat(byPid.call(() -> Files.readString(Path.of("/proc/thread-self/net/dev"))).join())
                        .contains("eth0:");
            }
        }
    }

    @Test
    void interfaceRouteAndCommandProbesReadTheirNamespace() throws Exception {
        try (Lab lab = Lab.open("xlat-hostns"); SystemScheduler scheduler = new SystemScheduler("hostns")) {
            Netns a = lab.netns("a");
            Netns b = lab.netns("b");
            lab.link(a, "eth0", b, "eth0");
            a.addr("eth0", "100.64.4.1/24").addr("eth0", "2001:db8:4::1/64");
            a.ip("route", "add", "default", "via", "100.64.4.2");
            try (NetworkNamespace ns = NetworkNamespace.open(a.name()); Rtnetlink rtnl = Rtnetlink.open(ns)) {
                RouteProbe v4 = new RouteProbe("egress", ns, IpAddresses.ipv4("0.0.0.0"), 0, null);
                assertThat(v4.run(T).join().reason()).isEqualTo("route 0.0.0.0/0 via 100.64.4.2 dev eth0");
                RouteProbe v6 = new RouteProbe("v6", ns, IpAddresses.ipv6("2001:db8:4::"), 64, "eth0");
                assertThat(v6.run(T).join().passed()).isTrue();
                a.ip("route", "del", "default");
                ProbeResult gone = v4.run(T).join();
                assertThat(gone.passed()).isFalse();
                assertThat(gone.reason()).isEqualTo("no IPv4 route 0.0.0.0/0 in netns " + a.name());
                // The host namespace has its own routes: the probe must not have read those.
                assertThat(new RouteProbe("v6", ns, IpAddresses.ipv6("2001:db8:4::"), 64, "eth1").run(T).join()
                        .passed()).isFalse();

                InterfaceProbe eth0 = new InterfaceProbe("if", ns, rtnl, "eth0");
                assertThat(eth0.run(T).join().passed()).isTrue();
                assertThat(rtnl.link("eth0").orElseThrow().rxPackets()).isGreaterThanOrEqualTo(0);
                a.ip("link", "set", "eth0", "down");
                assertThat(eth0.run(T).join().reason()).isEqualTo("interface eth0 is administratively down");
                b.ip("link", "set", "eth0", "down");
                a.ip("link", "set", "eth0", "up");
                assertThat(eth0.run(T).join().reason()).startsWith("interface eth0 is no carrier");
                assertThat(new InterfaceProbe("if", ns, rtnl, "eth9").run(T).join().reason())
                        .isEqualTo("interface eth9 does not exist in netns " + a.name());
                b.ip("link", "set", "eth0", "up");

                CommandProbe cmd = new CommandProbe("cmd", ns, List.of("ip", "-o", "link", "show", "eth0"),
                        new Subprocess(scheduler));
                assertThat(cmd.run(T).join().reason()).contains("eth0@");
            }
        }
    }

    @Test
    void probeNamespaceSetupFailsWholeAndLeavesNothing() {
        try (Lab lab = Lab.open("xlat-pnsfail")) {
            Netns gw = lab.netns("gw");
            String name = lab.prefix() + "-probe";
            lab.register(() -> ProbeNamespaceSetup.remove(name));
            // The probe namespace is made, then the veth pair fails: its translator end is no interface name.
            assertThatThrownBy(() -> ProbeNamespaceSetup.ensure(new ProbeNamespaceSetup.Plan(name, gw.name(), "pr0",
                    "p0/bad", InterfaceAddress.parse("2001:db8:5::2/64"), InterfaceAddress.parse("2001:db8:5::1/64"))))
                    .isInstanceOf(NamespaceException.class).hasMessageContaining("p0/bad");
            assertThat(Files.exists(NetworkNamespace.resolve(name))).isFalse();
            assertThat(gw.exec("ip", "link", "show", "pr0").ok()).isFalse();
        }
    }

    private static String readLink(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
