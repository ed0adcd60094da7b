package dev.xlatsentinel.translator.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.lab.TaygaGateway;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ICMPv6 echo and TCP connect through real TAYGA, sent from the probe namespace. */
class DatapathProbeIT {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static Lab lab;
    private static TaygaGateway gw;
    private static NetworkNamespace probeNs;
    private static SystemScheduler scheduler;

    @BeforeAll
    static void up() {
        lab = Lab.open("xlat-datapath");
        gw = new TaygaGateway(lab);
        probeNs = NetworkNamespace.open(gw.probeNamespace);
        lab.register(probeNs);
        scheduler = lab.register(new SystemScheduler("test-timer"));
    }

    @AfterAll
    static void down() {
        lab.close();
    }

    private static List<Inet4Address> v4(String... a) {
        return java.util.Arrays.stream(a).map(IpAddresses::ipv4).toList();
    }

    private static IcmpDatapathProbe icmp(int k, String... targets) throws Exception {
        IcmpEchoSocket s = IcmpEchoSocket.open(probeNs, IpAddresses.ipv6(TaygaGateway.PROBE_SOURCE));
        lab.register(s);
        return new IcmpDatapathProbe("icmp", s, Nat64Prefix.parse(TaygaGateway.PREFIX), v4(targets), k, scheduler);
    }

    @Test
    void echoThroughTaygaPassesAndOneDeadTargetOfTwoDoesNotFailIt() throws Exception {
        IcmpDatapathProbe probe = icmp(1, "100.64.9.9", "100.64.9.99");
        ProbeResult r = probe.run(TIMEOUT).get();
        assertThat(r.passed()).as(r.toString()).isTrue();
        assertThat(r.reason()).contains("answered");
        assertThat(r.details()).containsKey("100.64.9.9");

        IcmpDatapathProbe both = icmp(2, "100.64.9.9", "100.64.9.99");
        ProbeResult r2 = both.run(TIMEOUT).get();
        assertThat(r2.passed()).isFalse();
        assertThat(r2.reason()).contains("1/2 targets answered (all 2 required): 100.64.9.99 timed out after 500ms");
    }

    @Test
    void droppedTranslatedTrafficTimesOutAndMissingRouteComesBackAsUnreachable() throws Exception {
        IcmpDatapathProbe probe = icmp(1, "100.64.9.9", "100.64.9.10");
        gw.dropTranslated();
        try {
            ProbeResult r = probe.run(TIMEOUT).get();
            assertThat(r.passed()).isFalse();
            assertThat(r.reason()).isEqualTo("2/2 targets timed out after 500ms");
        } finally {
            gw.undropTranslated();
        }
        gw.removeEgressRoute();
        try {
            ProbeResult r = probe.run(TIMEOUT).get();
            assertThat(r.passed()).isFalse();
            // gw answers with ICMPv4 net unreachable, TAYGA translates it back to ICMPv6.
            assertThat(r.reason()).contains("destination unreachable");
        } finally {
            gw.restoreEgressRoute();
        }
        assertThat(probe.run(TIMEOUT).get().passed()).isTrue();
    }

    @Test
    void tcpConnectThroughTaygaCountsARefusalAsAnswered() throws Exception {
        TcpDatapathProbe tcp = new TcpDatapathProbe("tcp", probeNs, IpAddresses.ipv6(TaygaGateway.PROBE_SOURCE),
                Nat64Prefix.parse(TaygaGateway.PREFIX), v4("100.64.9.9"), 80, 1, scheduler);
        ProbeResult r = tcp.run(TIMEOUT).get();
        assertThat(r.passed()).as(r.toString()).isTrue();
        assertThat(r.reason()).contains("1/1 targets answered");
        gw.dropTranslated();
        try {
            ProbeResult down = tcp.run(TIMEOUT).get();
            assertThat(down.passed()).isFalse();
            assertThat(down.reason()).isEqualTo("1/1 targets timed out after 500ms");
        } finally {
            gw.undropTranslated();
        }
    }
}
