package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.Daemon;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one gateway sends to the router on the wire: tshark in the gateway's namespace,
 * BFD Control packets from the gateway's address, with the capture's own timestamps
 * (wall-clock microseconds, like every other source of the timeline).
 */
final class BfdCapture implements AutoCloseable {
    /** One packet: when, and its State and Diag fields (RFC 5880 §4.1 codes). */
    record Packet(long micros, int state, int diag) {
    }

    static final int DOWN = 1;

    private final Daemon tshark;

    private BfdCapture(Daemon tshark) {
        this.tshark = tshark;
    }

    static BfdCapture start(Netns ns, String ifname, String source) {
        Daemon d = ns.start("bfd-capture", "tshark", "-i", ifname, "-l", "-n", "-Q", "-f",
                "udp dst port 3784 and src host " + source, "-T", "fields", "-E", "separator=,", "-e",
                "frame.time_epoch", "-e", "bfd.sta", "-e", "bfd.diag");
        BfdCapture c = ns.lab().register(new BfdCapture(d));
        // tshark prints a packet line once capturing; BFD packets flow all the time.
        Poll.until(Duration.ofSeconds(30), Duration.ofMillis(50), "tshark capturing BFD on " + ns,
                () -> !d.isAlive() || !c.packets().isEmpty(), d::logText);
        return c;
    }

    List<Packet> packets() {
        List<Packet> out = new ArrayList<>();
        for (String line : tshark.logText().split("\n")) {
            String[] f = line.strip().split(",");
            if (f.length < 3 || !f[0].matches("\\d+\\.\\d+")) {
                continue;
            }
            try {
                long micros = new BigDecimal(f[0]).movePointRight(6).longValue();
                out.add(new Packet(micros, Integer.decode(f[1]), Integer.decode(f[2])));
            } catch (NumberFormatException e) {
                // a partial line while tshark writes it
            }
        }
        return out;
    }

    /** The first packet at or after {@code micros} that says Down. */
    Packet firstDownAfter(long micros) {
        for (Packet p : packets()) {
            if (p.micros() >= micros && p.state() == DOWN) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void close() {
        tshark.close();
    }
}
