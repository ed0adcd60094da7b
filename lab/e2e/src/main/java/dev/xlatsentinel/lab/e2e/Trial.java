package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.RouteMonitor;
import dev.xlatsentinel.lab.UdpStream;
import java.util.List;

/**
 * One fault, measured: the stream's fate, and when each thing happened (wall-clock
 * microseconds; 0 when it did not happen).
 *
 * @param agentDownMicros     the agent declared the translator DOWN (its log)
 * @param bfdDownMicros       the first BFD Down left the gateway (capture)
 * @param routeMovedMicros    the router's kernel route stopped pointing at the primary
 * @param firstBackupMicros   the first datagram answered through the backup gateway
 * @param repairMicros        the fault was repaired
 * @param routeBackMicros     the route returned to the primary after the repair
 * @param routeChangesAfterBack route changes after it returned (a flap if > 0)
 * @param checksumDrops       answers the client's kernel dropped for a bad UDP checksum during the
 *                            stream (TAYGA writes 0x0000 once in 65 535; docs/failover.md)
 */
public record Trial(Fault fault, boolean baseline, long faultMicros, List<UdpStream.Packet> packets,
        long agentDownMicros, long bfdDownMicros, long routeMovedMicros, long firstBackupMicros, long repairMicros,
        long routeBackMicros, int routeChangesAfterBack, List<RouteMonitor.Event> routeEvents, long checksumDrops) {

    /**
     * The outage: the longest run of lost datagrams that ends after the fault (a datagram in
     * flight may be lost a bit before it); null if none was lost. The longest, not the first:
     * a fault that takes a few milliseconds to act (a forked `ip link set down`) can lose one
     * datagram, let the next through, and only then cut the path.
     */
    public UdpStream.Gap lossWindow() {
        UdpStream.Gap best = null;
        for (UdpStream.Gap g : UdpStream.gaps(packets)) {
            if (g.endMicros() >= faultMicros
                    && (best == null || g.endMicros() - g.startMicros() > best.endMicros() - best.startMicros())) {
                best = g;
            }
        }
        return best;
    }

    /** Loss window in milliseconds (0 when nothing was lost). */
    public double lossMs() {
        UdpStream.Gap g = lossWindow();
        return g == null ? 0 : (g.endMicros() - g.startMicros()) / 1000.0;
    }

    /** Datagrams lost from the fault on. */
    public long lostAfterFault() {
        return packets.stream().filter(p -> p.sentMicros() >= faultMicros - 2_000 && !p.delivered()).count();
    }

    /** Traffic came back during the stream (through the backup, or the primary after repair). */
    public boolean recovered() {
        UdpStream.Gap g = lossWindow();
        return g == null || g.endMicros() > g.startMicros() && packets.get(packets.size() - 1).delivered();
    }

    /** The timeline of this trial, for printing and plotting. */
    public Timeline timeline() {
        Timeline t = new Timeline();
        t.add(faultMicros, "fault: " + fault.label(), "lab");
        t.add(agentDownMicros, "agent: instance DOWN", "agent log");
        t.add(bfdDownMicros, "BFD Down sent (diag path-down)", "capture on the gateway");
        t.add(routeMovedMicros, "route moved at the router", "ip monitor on the router");
        t.add(firstBackupMicros, "first packet through the backup", "UDP stream");
        UdpStream.Gap g = lossWindow();
        if (g != null) {
            t.add(g.startMicros(), "first packet lost", "UDP stream");
            t.add(g.endMicros(), "loss window ends (" + g.lostCount() + " lost, "
                    + String.format(java.util.Locale.ROOT, "%.1f", lossMs()) + " ms)", "UDP stream");
        }
        t.add(repairMicros, "repaired", "lab");
        t.add(routeBackMicros, "route back to the primary", "ip monitor on the router");
        return t;
    }
}
