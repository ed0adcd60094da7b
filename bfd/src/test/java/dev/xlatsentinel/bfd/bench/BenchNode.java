package dev.xlatsentinel.bfd.bench;

import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.BfdEngineBuilder;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.Counter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One side of the BFD scale benchmark, in its own JVM: our engine with N single-hop IPv6
 * sessions, session i (1..N) from {@code LOCAL}i to {@code PEER}i (hex), in the network
 * namespace the process was started in, optionally with an allocation load beside it.
 * Talks to {@link BfdScaleBench} by lines: commands on stdin ({@code mark}, {@code status},
 * {@code gc}, {@code quit}), each answered by one {@code BENCH {json}} line on stdout (log
 * lines go there too and are ignored).
 *
 * <pre>
 * BenchNode --n 2000 --local 2001:db8:40::1: --peer 2001:db8:40::2: --iface eth0
 *           --interval-us 10000 --mult 3 [--gc-load-mbps 100 --gc-live-mb 32] [--timer-resolution-us 500]
 *           [--rt-priority 10]
 * </pre>
 */
public final class BenchNode {
    private BenchNode() {
    }

    public static void main(String[] argv) throws Exception {
        long mainAt = System.currentTimeMillis();
        Args a = Args.parse(argv);
        int n = a.integer("n", 10);
        String local = a.string("local", "2001:db8:40::1:");
        String peer = a.string("peer", "2001:db8:40::2:");
        Duration interval = Duration.ofNanos(a.integer("interval-us", 10_000) * 1000L);
        int mult = a.integer("mult", 3);
        BfdEngineBuilder b = BfdEngine.builder();
        if (a.has("timer-resolution-us")) {
            b.timerResolution(Duration.ofNanos(a.integer("timer-resolution-us", 500) * 1000L));
        }
        if (a.integer("rt-priority", 0) > 0) {
            b.realtimePriority(a.integer("rt-priority", 0));
        }
        SessionStats stats = new SessionStats();
        GcLoad load = null;
        if (a.integer("gc-load-mbps", 0) > 0) {
            load = GcLoad.start(a.integer("gc-load-mbps", 0), a.integer("gc-live-mb", 32));
        }
        try (BfdEngine engine = b.build().start()) {
            engine.addListener(stats);
            long firstAddAt = System.currentTimeMillis();
            long firstAddedAt = 0;
            for (int i = 1; i <= n; i++) {
                String hex = Integer.toHexString(i);
                engine.addSession(SessionConfig.builder().peer(peer + hex).local(local + hex).iface(a.string("iface",
                        "eth0")).interval(interval).detectMult(mult).build());
                if (i == 1) {
                    firstAddedAt = System.currentTimeMillis();
                }
            }
            long allAddedAt = System.currentTimeMillis();
            reply(Map.of("event", "added", "sessions", n, "mainAtMs", mainAt, "firstAddAtMs", firstAddAt,
                    "firstAddedAtMs", firstAddedAt, "allAddedAtMs", allAddedAt));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null;) {
                switch (line.strip()) {
                    case "mark" -> {
                        stats.mark();
                        reply(Map.of("event", "marked"));
                    }
                    case "status" -> reply(status(engine, stats, n, load));
                    case "gc" -> {
                        // A full collection now: how long the engine's own live set stops the loop.
                        long t0 = System.nanoTime();
                        System.gc();
                        reply(Map.of("event", "gc", "ms", (System.nanoTime() - t0) / 1e6));
                    }
                    case "quit" -> {
                        engine.closeSilently();
                        reply(Map.of("event", "bye"));
                        return;
                    }
                    default -> reply(Map.of("event", "error", "unknown", line));
                }
            }
        } finally {
            if (load != null) {
                load.stop();
            }
        }
    }

    private static Map<String, Object> status(BfdEngine engine, SessionStats stats, int n, GcLoad load) {
        Map<Counter, Long> c = engine.counters();
        long drops = c.entrySet().stream().filter(e -> e.getKey().name().startsWith("DROP_"))
                .mapToLong(Map.Entry::getValue).sum();
        Map<String, Object> m = stats.toMap();
        m.put("event", "status");
        m.put("sessions", n);
        m.put("txPackets", c.getOrDefault(Counter.TX_PACKETS, 0L));
        m.put("txErrors", c.getOrDefault(Counter.TX_ERRORS, 0L));
        m.put("rxDrops", drops);
        m.putAll(GcLoad.gcFigures());
        m.put("loopWakeups", loopWakeups());
        if (load != null) {
            m.put("allocatedMb", load.allocatedBytes() >> 20);
        }
        return m;
    }

    /**
     * Voluntary context switches of the engine's event-loop threads (named bfd-N-N): how
     * often the loop went to sleep and was woken, by a timer or a packet.
     */
    static long loopWakeups() {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (!Files.readString(t.resolve("comm")).matches("bfd-\\d+-\\d+\\s*")) {
                        continue;
                    }
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                } catch (IOException e) {
                    // The thread ended meanwhile.
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    /** One protocol line: "BENCH " and a flat JSON object of numbers and strings. */
    static void reply(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder("BENCH {");
        fields.forEach((k, v) -> {
            if (sb.length() > 7) {
                sb.append(',');
            }
            sb.append('"').append(k).append("\":");
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        });
        System.out.println(sb.append('}'));
        System.out.flush();
    }
}
