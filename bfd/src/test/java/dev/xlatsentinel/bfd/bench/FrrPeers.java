package dev.xlatsentinel.bfd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.lab.Frr;
import dev.xlatsentinel.lab.Netns;
import java.util.HashMap;
import java.util.Map;

/**
 * FRR 8.4 bfdd as the peer: N peers configured in chunks through vtysh (one big config can
 * outlast vtysh's time limit), and its own view of them: status per peer and the
 * session-down counter per peer ({@code show bfd peers counters json}).
 */
final class FrrPeers {
    private static final int CHUNK = 250;

    private final Frr frr;

    private FrrPeers(Frr frr) {
        this.frr = frr;
    }

    static FrrPeers start(Netns ns, int n, int intervalMs, int mult) {
        Frr frr = Frr.start(ns, "", "bfdd");
        for (int from = 1; from <= n; from += CHUNK) {
            StringBuilder c = new StringBuilder("bfd\n");
            for (int i = from; i < from + CHUNK && i <= n; i++) {
                String hex = Integer.toHexString(i);
                c.append(" peer ").append(ScaleLab.OURS).append(hex).append(" local-address ")
                        .append(ScaleLab.PEERS).append(hex).append(" interface eth0\n")
                        .append("  detect-multiplier ").append(mult).append('\n')
                        .append("  receive-interval ").append(intervalMs).append('\n')
                        .append("  transmit-interval ").append(intervalMs).append('\n')
                        .append(" !\n");
            }
            frr.applyConfig(c.append("!\n").toString());
        }
        return new FrrPeers(frr);
    }

    long pid() {
        return frr.daemon("bfdd").pid();
    }

    /** How many peers bfdd has Up. */
    int up() {
        int up = 0;
        for (JsonNode p : frr.json("show bfd peers json")) {
            if (p.path("status").asText().equals("up")) {
                up++;
            }
        }
        return up;
    }

    /** bfdd's session-down counter per peer address. */
    Map<String, Long> downCounters() {
        Map<String, Long> m = new HashMap<>();
        for (JsonNode p : frr.json("show bfd peers counters json")) {
            m.put(p.path("peer").asText(), p.path("session-down").asLong());
        }
        return m;
    }
}
