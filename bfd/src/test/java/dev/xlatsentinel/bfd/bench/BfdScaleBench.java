package dev.xlatsentinel.bfd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xlatsentinel.lab.LabException;
import dev.xlatsentinel.lab.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One cell of the BFD scale benchmark (a benchmark, not a test: it asserts nothing): our
 * engine in its own JVM in one namespace, FRR bfdd (or a second engine) in another, N
 * single-hop IPv6 sessions between them. Brings every session Up, lets them settle, then
 * over a fixed window measures: sessions that stayed Up and Down transitions on each side;
 * CPU seconds and RSS of our JVM and of the peer process (/proc); our transmit intervals
 * from a capture on the link. Appends one JSON line to {@code --out} and prints it.
 *
 * <pre>
 * BfdScaleBench --peer frr|engine --n 1000 --interval-ms 10 [--mult 3] [--window-s 60] [--settle-s 15]
 *               [--jvm recommended|launcher|"flags of our JVM"] [--peer-jvm ... of the peer engine's JVM]
 *               [--gc-load-mbps 0 --gc-live-mb 32] [--rt-priority 10] [--wrap "taskset -c 1"]
 *               [--capture 1] [--out results.jsonl] [--label text] [--keep-logs DIR]
 * </pre>
 * Run it through {@code lab/bench/bfd-scale}, which runs the matrix.
 */
public final class BfdScaleBench {
    /** The agent launcher's flags before this benchmark chose the recommended ones: {@code --jvm launcher}. */
    static final String LAUNCHER_FLAGS = "-Xms64m -Xmx192m -XX:+UseSerialGC -XX:+AlwaysPreTouch -Xss512k "
            + "-XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m";
    /**
     * The flags this benchmark recommends ({@code --jvm recommended}, the default; with
     * MALLOC_ARENA_MAX=2 in the environment): ZGC, whose pauses stay well under a millisecond
     * whatever else the JVM allocates, in a small heap; C1 only (the engine's own Java code is
     * a small part of its CPU; C2 costs ~18 MB); small stacks and code cache. See
     * docs/benchmarks.md, "BFD at scale", for the measurements behind each.
     */
    static final String RECOMMENDED_FLAGS = "-Xms16m -Xmx128m -XX:SoftMaxHeapSize=64m -XX:+UseZGC "
            + "-XX:ConcGCThreads=1 -XX:ParallelGCThreads=1 -XX:ZUncommitDelay=30 -XX:TieredStopAtLevel=1 "
            + "-XX:CICompilerCount=1 -Xss256k -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The other side: bfdd, or a second engine. */
    private interface Peer {
        long pid();

        int up();

        void mark();

        /** Down transitions from Up since {@link #mark()}, and how many sessions had one. */
        long[] downsAndSessions();
    }

    private BfdScaleBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, Object> result = run(Args.parse(argv));
        System.out.println("RESULT " + JSON.writeValueAsString(result));
        System.exit(0);
    }

    static Map<String, Object> run(Args a) throws IOException {
        int n = a.integer("n", 100);
        double intervalMs = a.number("interval-ms", 10);
        long intervalUs = Math.round(intervalMs * 1000);
        int mult = a.integer("mult", 3);
        int windowS = a.integer("window-s", 60);
        int settleS = a.integer("settle-s", 15);
        String peerKind = a.string("peer", "frr");
        List<String> jvm = split(flags(a.string("jvm", "recommended")));
        List<String> peerJvm = split(flags(a.string("peer-jvm", a.string("jvm", "recommended"))));
        Map<String, String> env = environment(a.string("jvm", "recommended"));
        Map<String, String> peerEnv = environment(a.string("peer-jvm", a.string("jvm", "recommended")));
        // A command that runs our JVM (and a peer engine's), e.g. "chrt -f 10" or "taskset -c 1".
        List<String> wrap = split(a.string("wrap", ""));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("label", a.string("label", ""));
        r.put("at", Instant.now().toString());
        r.put("peer", peerKind);
        r.put("n", n);
        r.put("intervalMs", intervalMs);
        r.put("mult", mult);
        r.put("windowS", windowS);
        r.put("gcLoadMbps", a.integer("gc-load-mbps", 0));
        r.put("jvm", String.join(" ", jvm) + (env.isEmpty() ? "" : " " + env));
        r.put("wrap", a.string("wrap", ""));
        r.put("loadAvgBefore", ProcStat.loadAverage());
        List<String> nodeArgs = new ArrayList<>(List.of("--n", Integer.toString(n), "--interval-us",
                Long.toString(intervalUs), "--mult", Integer.toString(mult)));
        for (String passed : List.of("timer-resolution-us", "rt-priority")) {
            if (a.has(passed)) {
                nodeArgs.addAll(List.of("--" + passed, a.string(passed, "")));
            }
        }
        r.put("rtPriority", a.integer("rt-priority", 0));
        try (ScaleLab lab = ScaleLab.open(n)) {
            try {
                Peer peer = startPeer(lab, peerKind, n, intervalUs, mult, wrap, peerJvm, peerEnv, nodeArgs);
                List<String> ourArgs = new ArrayList<>(nodeArgs);
                ourArgs.addAll(List.of("--local", ScaleLab.OURS, "--peer", ScaleLab.PEERS));
                if (a.integer("gc-load-mbps", 0) > 0) {
                    ourArgs.addAll(List.of("--gc-load-mbps", a.string("gc-load-mbps", "0"), "--gc-live-mb",
                            a.string("gc-live-mb", "32")));
                }
                String ourFilter = "udp dst port 3784 and ip6 src net " + ScaleLab.OURS_NET;
                Capture first = Capture.start(lab.us, "eth0", ourFilter, 1);
                NodeProcess us = NodeProcess.start(lab.us, "us", wrap, jvm, env, ourArgs);
                JsonNode added = us.await("added", Duration.ofSeconds(60 + n / 20));
                first.awaitEnd(10_000);
                first.stop();
                long startMs = us.startedAt().toEpochMilli();
                long startUs = us.startedAt().getEpochSecond() * 1_000_000 + us.startedAt().getNano() / 1000;
                long firstUs = first.intervals().firstMicros();
                r.put("firstPacketMs", firstUs < 0 ? -1 : (firstUs - startUs) / 1000.0);
                r.put("jvmToMainMs", added.path("mainAtMs").asLong() - startMs);
                r.put("mainToEngineStartedMs", added.path("firstAddAtMs").asLong() - added.path("mainAtMs").asLong());
                r.put("firstAddSessionMs", added.path("firstAddedAtMs").asLong() - added.path("firstAddAtMs").asLong());
                r.put("addAllMs", added.path("allAddedAtMs").asLong() - added.path("firstAddAtMs").asLong());

                long t0 = System.nanoTime();
                Duration bringUp = Duration.ofSeconds(60 + n / 20);
                Poll.until(bringUp, Duration.ofSeconds(1), "all " + n + " sessions Up on both sides",
                        () -> us.status().path("up").asInt() == n && peer.up() == n,
                        () -> "ours " + us.status() + " peer Up " + peer.up());
                r.put("bringUpS", (System.nanoTime() - t0) / 1e9);
                sleep(settleS * 1000L);

                us.command("mark", "marked");
                peer.mark();
                JsonNode before = us.status();
                long captureCount = (long) (n * (1e6 / intervalUs) * windowS * 1.5) + 10_000;
                Capture window = a.integer("capture", 1) != 0 ? Capture.start(lab.us, "eth0", ourFilter, captureCount)
                        : null;
                UdpCounters ourUdp0 = UdpCounters.of(lab.us);
                UdpCounters peerUdp0 = UdpCounters.of(lab.peer);
                ProcStat ours0 = ProcStat.of(us.pid());
                ProcStat peer0 = ProcStat.of(peer.pid());
                long w0 = System.nanoTime();
                r.put("windowStartedAt", Instant.now().toString());
                sleep(windowS * 1000L);
                ProcStat ours1 = ProcStat.of(us.pid());
                ProcStat peer1 = ProcStat.of(peer.pid());
                double seconds = (System.nanoTime() - w0) / 1e9;
                UdpCounters ourUdp1 = UdpCounters.of(lab.us);
                UdpCounters peerUdp1 = UdpCounters.of(lab.peer);
                for (String c : List.of("Udp6InDatagrams", "Udp6RcvbufErrors", "Udp6InErrors", "Udp6SndbufErrors")) {
                    r.put("ourKernel" + c.substring(4), ourUdp1.since(ourUdp0, c));
                    r.put("peerKernel" + c.substring(4), peerUdp1.since(peerUdp0, c));
                }
                r.put("loadAvgAfter", ProcStat.loadAverage());
                if (window != null) {
                    window.stop();
                }
                JsonNode after = us.status();
                long[] peerDowns = peer.downsAndSessions();
                int peerUp = peer.up();

                r.put("ourUpAtEnd", after.path("up").asInt());
                r.put("ourDowns", after.path("downsFromUp").asLong());
                r.put("ourSessionsFlapped", after.path("sessionsFlapped").asLong());
                r.put("ourDownsDetectExpired", after.path("downs:control-detection-time-expired").asLong());
                r.put("ourDownsPeerSignalled", after.path("downs:neighbor-signaled-session-down").asLong());
                r.put("ourFirstDown", after.path("firstDown").asText());
                r.put("peerUpAtEnd", peerUp);
                r.put("peerDowns", peerDowns[0]);
                r.put("peerSessionsFlapped", peerDowns[1]);
                r.put("stayedUpBothSides", Math.min(n - after.path("sessionsFlapped").asLong(), n - peerDowns[1]));
                double ourCpu = ours1.cpuSecondsSince(ours0);
                double peerCpu = peer1.cpuSecondsSince(peer0);
                r.put("windowMeasuredS", seconds);
                r.put("ourCpuS", ourCpu);
                r.put("peerCpuS", peerCpu);
                r.put("ourCpuPctOfCore", 100 * ourCpu / seconds);
                r.put("peerCpuPctOfCore", 100 * peerCpu / seconds);
                r.put("cpuRatio", peerCpu > 0 ? ourCpu / peerCpu : Double.NaN);
                r.put("ourRssMb", ours1.rssKb() / 1024.0);
                r.put("ourHwmMb", ours1.hwmKb() / 1024.0);
                r.put("ourPssMb", ours1.pssKb() / 1024.0);
                r.put("ourThreads", ours1.threads());
                r.put("peerRssMb", peer1.rssKb() / 1024.0);
                r.put("ourTxPerS", (after.path("txPackets").asLong() - before.path("txPackets").asLong()) / seconds);
                r.put("ourTxErrors", after.path("txErrors").asLong() - before.path("txErrors").asLong());
                r.put("ourLoopWakeupsPerS", (after.path("loopWakeups").asLong() - before.path("loopWakeups").asLong())
                        / seconds);
                r.put("ourGcCount", after.path("gcCount").asLong() - before.path("gcCount").asLong());
                r.put("ourGcMs", after.path("gcMs").asLong() - before.path("gcMs").asLong());
                r.put("ourHeapUsedMb", after.path("heapUsedMb").asLong());
                if (window != null) {
                    intervals(r, window, intervalUs);
                }
                // After the window: a full collection's pause with the engine's live set (System.gc()).
                r.put("ourFullGcMs", us.command("gc", "gc").path("ms").asDouble());
            } finally {
                // Also when the cell failed: the logs say why.
                if (a.has("keep-logs")) {
                    keepLogs(lab, Path.of(a.string("keep-logs", "")), a.string("label", "cell"));
                }
            }
        }
        r.put("loadAvgEnd", ProcStat.loadAverage());
        if (a.has("out")) {
            Files.writeString(Path.of(a.string("out", "")), JSON.writeValueAsString(r) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return r;
    }

    /** Copies the lab's logs (our node, the peer's daemons) to {@code dir} before the lab removes them. */
    private static void keepLogs(ScaleLab lab, Path dir, String label) throws IOException {
        Files.createDirectories(dir);
        try (var logs = Files.walk(lab.lab.dir())) {
            for (Path p : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(p, dir.resolve(label + "-" + p.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void intervals(Map<String, Object> r, Capture c, long intervalUs) {
        TxIntervals t = c.intervals();
        r.put("capturedPackets", t.packets());
        r.put("capturedSessions", t.sessions());
        r.put("captureKernelDrops", c.kernelDrops());
        r.put("captureTruncated", t.truncatedTail());
        r.put("txP50Ms", t.percentile(0.50) / 1000.0);
        r.put("txP99Ms", t.percentile(0.99) / 1000.0);
        r.put("txP999Ms", t.percentile(0.999) / 1000.0);
        r.put("txP9999Ms", t.percentile(0.9999) / 1000.0);
        r.put("txMaxMs", t.max() / 1000.0);
        r.put("txP9999xInterval", t.percentile(0.9999) / (double) intervalUs);
        r.put("txMaxxInterval", t.max() / (double) intervalUs);
        r.put("txIntervalsOver1x", t.intervalsOver(intervalUs));
        r.put("txIntervalsOver2x", t.intervalsOver(2 * intervalUs));
        r.put("txSessionsOver1x", t.sessionsOver(intervalUs));
        r.put("txSessionsOver2x", t.sessionsOver(2 * intervalUs));
    }

    private static Peer startPeer(ScaleLab lab, String kind, int n, long intervalUs, int mult, List<String> wrap,
            List<String> jvm, Map<String, String> env, List<String> nodeArgs) {
        switch (kind) {
            case "frr" -> {
                if (intervalUs % 1000 != 0 || intervalUs < 10_000) {
                    throw new IllegalArgumentException("--interval-ms: FRR 8.4 bfdd takes whole ms from 10, got "
                            + intervalUs / 1000.0);
                }
                FrrPeers frr = FrrPeers.start(lab.peer, n, (int) (intervalUs / 1000), mult);
                return new Peer() {
                    private Map<String, Long> marked = Map.of();

                    @Override
                    public long pid() {
                        return frr.pid();
                    }

                    @Override
                    public int up() {
                        return frr.up();
                    }

                    @Override
                    public void mark() {
                        marked = frr.downCounters();
                    }

                    @Override
                    public long[] downsAndSessions() {
                        long downs = 0;
                        long sessions = 0;
                        for (Map.Entry<String, Long> e : frr.downCounters().entrySet()) {
                            long d = e.getValue() - marked.getOrDefault(e.getKey(), 0L);
                            downs += d;
                            sessions += d > 0 ? 1 : 0;
                        }
                        return new long[] {downs, sessions};
                    }
                };
            }
            case "engine" -> {
                List<String> args = new ArrayList<>(nodeArgs);
                args.addAll(List.of("--local", ScaleLab.PEERS, "--peer", ScaleLab.OURS));
                NodeProcess node = NodeProcess.start(lab.peer, "peer", wrap, jvm, env, args);
                node.await("added", Duration.ofSeconds(60 + n / 20));
                return new Peer() {
                    @Override
                    public long pid() {
                        return node.pid();
                    }

                    @Override
                    public int up() {
                        return node.status().path("up").asInt();
                    }

                    @Override
                    public void mark() {
                        node.command("mark", "marked");
                    }

                    @Override
                    public long[] downsAndSessions() {
                        JsonNode s = node.status();
                        return new long[] {s.path("downsFromUp").asLong(), s.path("sessionsFlapped").asLong()};
                    }
                };
            }
            default -> throw new IllegalArgumentException("--peer must be frr or engine, got " + kind);
        }
    }

    /**
     * The environment of a node JVM: with the recommended flags MALLOC_ARENA_MAX=2 (glibc
     * makes a malloc arena per thread that mallocs, up to 8 per core, each keeping freed
     * memory; two are plenty for a JVM whose objects live in its own heap).
     */
    private static Map<String, String> environment(String choice) {
        return choice.equals("recommended") ? Map.of("MALLOC_ARENA_MAX", "2") : Map.of();
    }

    /** "recommended", "launcher", or flags as they are. */
    private static String flags(String choice) {
        return switch (choice) {
            case "recommended" -> RECOMMENDED_FLAGS;
            case "launcher" -> LAUNCHER_FLAGS;
            default -> choice;
        };
    }

    private static List<String> split(String flags) {
        return Arrays.stream(flags.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }
}
