package dev.xlatsentinel.translator.tayga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.host.LinkState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        return new TaygaProbe("tayga", pidFile, host, name -> Optional.ofNullable(tun), "nat64", expectTraffic, proc);
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
                + " TAYGA wrote none back");
        tun = up(119, 109);
        assertThat(p.run(Duration.ofSeconds(1)).join().passed()).as("no traffic at all is fine by default").isTrue();
        TaygaProbe strict = probe(true);
        assertThat(strict.run(Duration.ofSeconds(1)).join().passed()).isTrue();
        assertThat(reason(strict)).isEqualTo("no packet crossed TUN nat64 since the last check");
    }
}
