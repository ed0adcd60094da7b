package dev.xlatsentinel.translator.tayga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.host.LinkState;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TAYGA's signals with /proc and the TUN state given by the test (the live checks against
 * real TAYGA are in TranslatorHealthIT); here the cases a live TAYGA cannot easily show:
 * a stale pid file, a zombie, and a TAYGA that takes packets but writes none back.
 */
class TaygaProbeTest {
    @TempDir
    Path dir;
    private Path proc;
    private Path pidFile;
    private NetworkNamespace host;
    private LinkState tun = up(0, 0);

    private static LinkState up(long toTayga, long fromTayga) {
        return new LinkState("nat64", 5, true, true, "unknown", fromTayga, toTayga, 0, 0, 0, 0);
    }

    @BeforeEach
    void setUp() throws IOException {
        proc = Files.createDirectories(dir.resolve("proc"));
        pidFile = dir.resolve("tayga.pid");
        host = NetworkNamespace.host();
    }

    @AfterEach
    void tearDown() {
        host.close();
    }

    private void process(long pid, String comm, char state) throws IOException {
        Path d = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(d.resolve("stat"), pid + " (" + comm + ") " + state + " 1 " + pid + " " + pid + " 0 -1\n");
        Files.writeString(pidFile, pid + "\n");
    }

    private TaygaProbe probe(boolean expectTraffic) {
        return new TaygaProbe("tayga", pidFile, host, name -> Optional.ofNullable(tun), "nat64", expectTraffic,
                List.of(), proc, System::nanoTime);
    }

    private String reason(TaygaProbe p) {
        return p.run(Duration.ofSeconds(1)).join().reason();
    }

    @Test
    void processStatesFromProcStat() throws IOException {
        TaygaProbe p = probe(false);
        assertThat(reason(p)).isEqualTo("pid file " + pidFile + " does not exist: TAYGA is not running");
        process(4242, "tayga", 'S');
        assertThat(p.run(Duration.ofSeconds(1)).join().passed()).isTrue();
        process(4242, "tayga", 'Z');
        assertThat(reason(p)).isEqualTo("TAYGA (pid 4242) is a zombie (exited, not yet reaped)");
        process(4243, "nginx", 'S');
        assertThat(reason(p)).isEqualTo("pid 4243 from " + pidFile + " is 'nginx', not tayga (stale pid file)");
        Files.writeString(pidFile, "4244\n");
        assertThat(reason(p)).isEqualTo("TAYGA (pid 4244 from " + pidFile + ") is not running");
        Files.writeString(pidFile, "garbage");
        assertThat(reason(p)).isEqualTo("pid file " + pidFile + " holds 'garbage', not a pid");
    }

    @Test
    void tunMissingDownOrWithoutCarrier() throws IOException {
        process(4242, "tayga", 'R');
        TaygaProbe p = probe(false);
        tun = null;
        assertThat(reason(p)).isEqualTo("TUN nat64 does not exist");
        tun = new LinkState("nat64", 5, true, false, "down", 0, 0, 0, 0, 0, 0);
        assertThat(reason(p)).isEqualTo("TUN nat64 is no carrier (operstate down)");
    }

    @Test
    void packetsHandedToTaygaWithNoneWrittenBackFail() throws IOException {
        process(4242, "tayga", 'S');
        TaygaProbe p = probe(false);
        tun = up(100, 100);
        assertThat(reason(p)).isEqualTo("TAYGA pid 4242 running, TUN nat64 up");
        tun = up(110, 109);
        assertThat(reason(p)).isEqualTo("TAYGA pid 4242 running, TUN nat64 up, 10 packets in, 9 out");
        tun = up(114, 109);
        assertThat(p.run(Duration.ofSeconds(1)).join().passed()).as("a few stray packets (MLD, RS) are no stall")
                .isTrue();
        tun = up(119, 109);
        assertThat(reason(p)).isEqualTo("TUN nat64: the kernel handed 5 packets to TAYGA since the last check and"
                + " TAYGA wrote none back (TAYGA is sleeping)");
        tun = up(119, 109);
        assertThat(p.run(Duration.ofSeconds(1)).join().passed()).as("no traffic at all is fine by default").isTrue();
        TaygaProbe strict = probe(true);
        assertThat(strict.run(Duration.ofSeconds(1)).join().passed()).isTrue();
        assertThat(reason(strict)).isEqualTo("no packet crossed TUN nat64 since the last check");
    }

    private void schedstat(long pid, long onCpuNanos, long runDelayNanos) throws IOException {
        Files.writeString(proc.resolve(Long.toString(pid)).resolve("schedstat"), onCpuNanos + " " + runDelayNanos
                + " 10\n");
    }

    @Test
    void aRunnableTaygaStarvedOfCpuIsNotAStallButOneThatRanAndWroteNothingIs() throws Exception {
        process(4242, "tayga", 'R');
        schedstat(4242, 1_000_000, 0);
        TaygaProbe p = probe(false);
        tun = up(100, 100);
        assertThat(p.run(Duration.ofSeconds(1)).join().passed()).isTrue();
        // Runnable, and ran (almost) nothing since: waiting for a CPU, not stuck.
        Thread.sleep(20);
        tun = up(2100, 100);
        ProbeResult starved = p.run(Duration.ofSeconds(1)).join();
        assertThat(starved.passed()).isTrue();
        assertThat(starved.reason()).contains("starved of CPU, not stuck");
        assertThat(((Signal.Forwarding) starved.signal()).starved()).isTrue();
        assertThat(((Signal.Forwarding) starved.signal()).in()).isEqualTo(2000);
        // Runnable and on a CPU the whole period, still writing nothing: broken at once.
        schedstat(4242, 1_000_000_000_000L, 0);
        tun = up(4100, 100);
        ProbeResult stuck = p.run(Duration.ofSeconds(1)).join();
        assertThat(stuck.passed()).isFalse();
        assertThat(stuck.reason()).startsWith("TUN nat64: the kernel handed 2000 packets to TAYGA").contains("it ran");
        // Forwarding: the counters are evidence for the health rules.
        tun = up(4200, 150);
        Signal.Forwarding f = (Signal.Forwarding) p.run(Duration.ofSeconds(1)).join().signal();
        assertThat(List.of(f.in(), f.out(), f.queueDrops())).containsExactly(100L, 50L, 0L);
        assertThat(f.starved()).isFalse();
    }

    private static LinkState egressLink(String name, long txPackets) {
        return new LinkState(name, 7, true, true, "up", 0, txPackets, 0, 0, 0, 0);
    }

    @Test
    void theEgressWindowComparesTaygasOutputWithWhatLeftTheGateway() throws IOException {
        process(4242, "tayga", 'S');
        long[] clock = {0};
        java.util.Map<String, LinkState> links = new java.util.HashMap<>();
        links.put("v4", egressLink("v4", 1_000));
        links.put("lan0", egressLink("lan0", 500));
        TaygaProbe p = new TaygaProbe("tayga", pidFile, host, name -> Optional.ofNullable(name.equals("nat64") ? tun
                : links.get(name)), "nat64", false, List.of("v4", "lan0"), proc, () -> clock[0]);
        tun = up(100, 100);
        assertThat(p.run(Duration.ofSeconds(1)).join().signal()).isNull();
        // 10 ms later: the window (50 ms) is not over yet, nothing to compare.
        clock[0] += 10_000_000;
        tun = up(400, 390);
        Signal.Forwarding f = (Signal.Forwarding) p.run(Duration.ofSeconds(1)).join().signal();
        assertThat(List.of(f.written(), f.egress())).containsExactly(-1L, -1L);
        // 50 ms in: TAYGA wrote 2 000, the IPv4 side sent 1 950 and the IPv6 side 40 (its BFD, say).
        clock[0] += 40_000_000;
        tun = up(2_200, 2_100);
        links.put("v4", egressLink("v4", 2_950));
        links.put("lan0", egressLink("lan0", 540));
        f = (Signal.Forwarding) p.run(Duration.ofSeconds(1)).join().signal();
        assertThat(List.of(f.written(), f.egress())).containsExactly(2_000L, 1_990L);
        assertThat(f.outputLeaves()).isTrue();
        // The next window: TAYGA wrote 3 000 and nothing left (dropped before the wire).
        clock[0] += 60_000_000;
        tun = up(5_300, 5_100);
        f = (Signal.Forwarding) p.run(Duration.ofSeconds(1)).join().signal();
        assertThat(List.of(f.written(), f.egress())).containsExactly(3_000L, 0L);
        assertThat(f.outputHeldBack()).isTrue();
        // An egress interface re-created (its counters restart): a new window, the last one forgotten.
        clock[0] += 60_000_000;
        links.put("v4", egressLink("v4", 3));
        f = (Signal.Forwarding) p.run(Duration.ofSeconds(1)).join().signal();
        assertThat(List.of(f.written(), f.egress())).containsExactly(-1L, -1L);
        // One missing: not measured.
        clock[0] += 60_000_000;
        links.remove("lan0");
        f = (Signal.Forwarding) p.run(Duration.ofSeconds(1)).join().signal();
        assertThat(f.egress()).isEqualTo(-1L);
        assertThat(f.outputLeaves() || f.outputHeldBack()).isFalse();
    }
}
