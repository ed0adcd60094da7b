package dev.xlatsentinel.lab.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.lab.AgentProcess;
import dev.xlatsentinel.lab.Bird;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.UdpFlood;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The junk-flood benchmark ({@code lab/bench/junk-flood}): how much junk to UDP 3784, from
 * another host on the LAN, a real session with BIRD survives. Per build (e.g. main before
 * the fix and after it) and per BFD interval (x 3 on both sides), one gateway of the lab
 * topology runs that build's agent; a second host floods the gateway's BFD port with random
 * octets and well-formed packets with unknown discriminators (TTL 255, as a host on the link
 * can send) at a rising rate, {@code --window-s} seconds per rate, until the session leaves
 * Up on either side. Reports, per rate: what was sent, our state changes, whether BIRD's
 * session stayed the same Up, and the UDP receive-buffer errors of the gateway's namespace.
 * Never part of the test command.
 */
public final class JunkFloodBench {
    private static final String JUNK = "2001:db8:ff::99";

    private JunkFloodBench() {
    }

    /** One cell: a build, an interval, a junk rate (0: as fast as the senders go). */
    record Cell(String build, int intervalMs, long rateAsked, long sent, double rateSent, long ourStateChanges,
            boolean birdUpThroughout, long udpRcvbufErrors, boolean held, String loadBefore, String loadAfter) {
        String json() {
            return String.format(Locale.ROOT, "{\"build\":\"%s\",\"intervalMs\":%d,\"rateAsked\":%d,\"sent\":%d,"
                    + "\"rateSent\":%.0f,\"ourStateChanges\":%d,\"birdUpThroughout\":%b,\"udpRcvbufErrors\":%d,"
                    + "\"held\":%b,\"loadBefore\":%s,\"loadAfter\":%s}", build, intervalMs, rateAsked, sent, rateSent,
                    ourStateChanges, birdUpThroughout, udpRcvbufErrors, held, loadBefore, loadAfter);
        }

        String row() {
            return String.format(Locale.ROOT, "| %s | %d ms x 3 | %s | %.0f | %d | %s | %d | %s | %s-%s |", build,
                    intervalMs, rateAsked == 0 ? "max" : Long.toString(rateAsked), rateSent, ourStateChanges,
                    birdUpThroughout ? "yes" : "no", udpRcvbufErrors, held ? "held" : "**flapped**", loadBefore,
                    loadAfter);
        }
    }

    /** The one-minute load average: other work on the machine during a cell. */
    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "-1";
        }
    }

    public static void main(String[] args) throws IOException {
        List<String[]> builds = new ArrayList<>();
        for (String b : option(args, "--builds", "").split(",")) {
            if (!b.isBlank()) {
                builds.add(b.split("=", 2));
            }
        }
        if (builds.isEmpty()) {
            throw new IllegalArgumentException("--builds LABEL=DIST_DIR[,LABEL=DIST_DIR] is required");
        }
        int[] intervals = Arrays.stream(option(args, "--intervals", "100,10").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        long[] rates = Arrays.stream(option(args, "--rates", "5000,10000,20000,50000,100000,0").split(","))
                .mapToLong(Long::parseLong).toArray();
        Duration window = Duration.ofSeconds(Long.parseLong(option(args, "--window-s", "60")));
        int threads = Integer.parseInt(option(args, "--threads", "2"));
        Path out = Path.of(option(args, "--out", "/tmp/junk-flood-" + System.currentTimeMillis() + ".jsonl"));
        List<Cell> cells = new ArrayList<>();
        for (String[] build : builds) {
            System.setProperty("dist.dir", build[1]);
            for (int ms : intervals) {
                cells.addAll(ladder(build[0], ms, rates, window, threads, out));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(Instant.now()).append(", ").append(window.toSeconds())
                .append(" s per rate, ").append(threads).append(" sending threads\n\n")
                .append("| build | BFD | junk rate asked (/s) | sent (/s) | our state changes | BIRD Up throughout "
                        + "| UDP receive-buffer errors (gateway) | result | load avg |\n|---|---|---|---:|---:|---|---:|---|---|\n");
        cells.forEach(c -> md.append(c.row()).append('\n'));
        System.out.println("\n" + md);
        System.out.println("JSON lines in " + out.toAbsolutePath());
    }

    /** Rising rates until the session leaves Up on either side; one lab and one agent for the ladder. */
    private static List<Cell> ladder(String build, int ms, long[] rates, Duration window, int threads, Path out)
            throws IOException {
        List<Cell> cells = new ArrayList<>();
        Duration interval = Duration.ofMillis(ms);
        Lab lab = Lab.open("bench-junk");
        try {
            Nat64Lab n = Nat64Lab.build(lab, Nat64Lab.Options.defaults().withGateways(List.of("gwa"))
                    .withBfd(new Nat64Lab.RouterBfd(interval, interval, 3)));
            Nat64Lab.AgentTuning t = Nat64Lab.AgentTuning.TOLERANT;
            Nat64Lab.AgentTuning tuning = new Nat64Lab.AgentTuning(t.interval(), t.fastInterval(), t.timeout(),
                    t.rise(), t.fall(), interval, 3, t.minHold(), false);
            Nat64Lab.Gateway g = n.gateway("gwa");
            AgentProcess agent = AgentProcess.start(lab, "gwa", n.agentConfig(g, tuning,
                    AgentProcess.socketPath(lab, "gwa")));
            Netns junk = n.lanHost("junk", JUNK);
            UdpFlood.sendWithTtl255(junk, Nat64Lab.LAN_IF);
            junk.awaitOperUp(Nat64Lab.LAN_IF, Duration.ofSeconds(10));
            for (long rate : rates) {
                awaitUp(n, agent, g);
                long changesBefore = stateChanges(agent);
                Bird.BfdSessionRow before = n.bird().bfdSession(g.lanAddress()).orElseThrow();
                long errorsBefore = udpRcvbufErrors(g.ns());
                String loadBefore = load();
                long count = rate == 0 ? Long.MAX_VALUE / 4 : rate * window.toSeconds();
                UdpFlood.Result r = UdpFlood.send(junk, JUNK, g.lanAddress(), 3784, count, threads, rate, window);
                Bird.BfdSessionRow after = n.bird().bfdSession(g.lanAddress()).orElseThrow();
                long changes = stateChanges(agent) - changesBefore;
                boolean birdHeld = after.state().equals("Up") && after.sameChangeAs(before);
                Cell c = new Cell(build, ms, rate, r.sent(), r.ratePerSecond(), changes, birdHeld,
                        udpRcvbufErrors(g.ns()) - errorsBefore, changes == 0 && birdHeld, loadBefore, load());
                cells.add(c);
                Files.writeString(out, c.json() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                System.out.println(c.row());
                if (!c.held()) {
                    break;
                }
            }
        } finally {
            lab.close();
        }
        return cells;
    }

    private static void awaitUp(Nat64Lab n, AgentProcess agent, Nat64Lab.Gateway g) {
        Poll.until(Duration.ofSeconds(60), Duration.ofMillis(100), "session Up on both sides",
                () -> n.bird().bfdSession(g.lanAddress()).map(r -> r.state().equals("Up")).orElse(false)
                        && agent.session("nat64").path("state").asText().equals("Up"));
    }

    private static long stateChanges(AgentProcess agent) {
        JsonNode s = agent.session("nat64");
        return s.path("counters").path("state-transitions").asLong();
    }

    /** Udp6RcvbufErrors + UdpRcvbufErrors of a namespace: datagrams a full socket queue dropped. */
    private static long udpRcvbufErrors(Netns ns) {
        long sum = 0;
        String snmp6 = ns.run("cat", "/proc/net/snmp6");
        for (String line : snmp6.split("\n")) {
            if (line.startsWith("Udp6RcvbufErrors")) {
                sum += Long.parseLong(line.trim().split("\\s+")[1]);
            }
        }
        String[] snmp = ns.run("cat", "/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < snmp.length; i++) {
            if (snmp[i].startsWith("Udp: ") && snmp[i + 1].startsWith("Udp: ")) {
                List<String> names = List.of(snmp[i].trim().split("\\s+"));
                String[] values = snmp[i + 1].trim().split("\\s+");
                int k = names.indexOf("RcvbufErrors");
                if (k > 0) {
                    sum += Long.parseLong(values[k]);
                }
                break;
            }
        }
        return sum;
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
