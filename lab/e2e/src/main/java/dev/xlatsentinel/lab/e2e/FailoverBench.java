package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.RouteMonitor;
import dev.xlatsentinel.lab.UdpStream;
import dev.xlatsentinel.lab.UpstreamRouter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The failover benchmark ({@code lab/bench/failover}): every fault class {@code --runs}
 * times with a 1 ms UDP stream, with xlat-sentinel and with today's setup (FRR bfdd) on the
 * same machine in the same run; medians and worst cases of the loss window, written as a
 * Markdown table ({@code --logs DIR}: the agents' log lines of every trial). {@code --soak MINUTES}: steady traffic at the same settings, counting
 * false withdrawals. {@code --settings fast} (the lab's, probes every 10 ms) or {@code fast5} (probes
 * every 5 ms, timeout 4 ms: issue 16); {@code --timeout MS} changes the probe timeout alone. {@code --bfd-realtime PRIORITY}: the agents' BFD event loops run under SCHED_FIFO at that priority (the agent's
 * {@code bfdRealtimePriority}), and in the soak the router's BIRD too, same timers. {@code --detect-realtime PRIORITY}:
 * the agents' deciding threads (kernel events, probe timer, ICMP receivers, namespace threads) run under SCHED_FIFO
 * at that priority, with the CPU guard (the agent's {@code detectionRealtimePriority}). Never part of the test command.
 */
public final class FailoverBench {
    private FailoverBench() {
    }

    public static void main(String[] args) throws IOException {
        if (List.of(args).contains("--help")) {
            System.out.println("lab/bench/failover [--runs N (20)] [--faults " + String.join(",",
                    java.util.Arrays.stream(Fault.values()).map(Fault::name).toList()) + " (all)] [--no-baseline]\n"
                    + "    [--router bird2|bird2.17|bird3|frr10] [--soak MINUTES] [--logs DIR (agents' logs, per trial and soak)] [--keep-files]\n"
                    + "    [--bfd-realtime PRIORITY (agent.bfdRealtimePriority; in the soak BIRD too; 0: normal scheduling)]\n"
                    + "    [--detect-realtime PRIORITY (agent.detectionRealtimePriority: the deciding threads, kernel events,\n"
                    + "    probe timer, ICMP receivers, namespace threads, under SCHED_FIFO with a CPU guard; 0: normal)]\n"
                    + "    [--settings fast|fast5 (probes every 10 ms; or every 5 ms, timeout 4 ms)] [--timeout MS]\n"
                    + "    [--confirm-early (health.confirmEarly: a silent round's next one starts beside it)]\n"
                    + "    [--out FILE (lab/out/failover.md)] [--fresh-agent SECONDS (restart the primary's agent before\n"
                    + "    every trial and let it run SECONDS: each fault is the first of its agent's life)]\n"
                    + "Every fault N times with a 1 ms UDP stream (and today's setup beside it unless --no-baseline);\n"
                    + "writes medians, worst cases, decision to wire and every trial's timeline as Markdown.");
            return;
        }
        int runs = Integer.parseInt(option(args, "--runs", "20"));
        int soakMinutes = Integer.parseInt(option(args, "--soak", "0"));
        List<Fault> faults = option(args, "--faults", "").isEmpty() ? List.of(Fault.values())
                : java.util.Arrays.stream(option(args, "--faults", "").split(",")).map(Fault::valueOf).toList();
        boolean withBaseline = !List.of(args).contains("--no-baseline");
        boolean keepFiles = List.of(args).contains("--keep-files");
        UpstreamRouter.Kind upstream = UpstreamRouter.Kind.byName(option(args, "--router", "bird2"));
        if (keepFiles) {
            System.setProperty("lab.keepFiles", "true");
        }
        String realtime = option(args, "--bfd-realtime", "0");
        if (Integer.parseInt(realtime) > 0) {
            System.setProperty("lab.bfdRealtimePriority", realtime);
        }
        boolean confirmEarly = List.of(args).contains("--confirm-early");
        if (confirmEarly) {
            System.setProperty("lab.confirmEarly", "true");
        }
        String detectRealtime = option(args, "--detect-realtime", "0");
        if (Integer.parseInt(detectRealtime) > 0) {
            System.setProperty("lab.detectionRealtimePriority", detectRealtime);
        }
        Path out = Path.of(option(args, "--out", "lab/out/failover.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Nat64Lab.AgentTuning tuning = switch (option(args, "--settings", "fast")) {
            case "fast" -> Nat64Lab.AgentTuning.FAST;
            case "fast5" -> Nat64Lab.AgentTuning.FAST_5MS;
            default -> throw new IllegalArgumentException("--settings: fast or fast5, not "
                    + option(args, "--settings", ""));
        };
        if (!option(args, "--timeout", "").isEmpty()) {
            // The datapath timeout alone (ms), the rest of the settings as chosen.
            Nat64Lab.AgentTuning t = tuning;
            tuning = new Nat64Lab.AgentTuning(t.interval(), t.fastInterval(),
                    Duration.ofMillis(Long.parseLong(option(args, "--timeout", ""))), t.rise(), t.fall(),
                    t.bfdInterval(), t.bfdMultiplier(), t.minHold(), t.damping());
        }
        Nat64Lab.RouterBfd router = new Nat64Lab.RouterBfd(tuning.bfdInterval(), tuning.bfdInterval(),
                tuning.bfdMultiplier());
        Scenario.TrialSpec spec = Scenario.TrialSpec.of(Duration.ofMillis(300), Duration.ofMillis(700));
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(Instant.now()).append(" on ").append(hostInfo()).append("; router ")
                .append(upstream.label()).append(Integer.parseInt(realtime) > 0 ? "; BFD event loop under SCHED_FIFO "
                        + "priority " + realtime : "")
                .append(Integer.parseInt(detectRealtime) > 0 ? "; deciding threads under SCHED_FIFO priority "
                        + detectRealtime : "").append("\n\n");
        md.append("Settings: probes every ").append(tuning.interval().toMillis()).append(" ms (fast ")
                .append(tuning.fastInterval().toNanos() / 1e6).append(" ms, timeout ")
                .append(tuning.timeout().toMillis()).append(" ms), rise ").append(tuning.rise()).append(", fall ")
                .append(tuning.fall()).append(confirmEarly ? ", confirmEarly" : "").append("; BFD ").append(tuning.bfdInterval().toMillis()).append(" ms x ")
                .append(tuning.bfdMultiplier()).append(" on both sides; stream 1 datagram per ms; ").append(runs)
                .append(" runs per fault.\n\n");

        String logs = option(args, "--logs", "");
        Duration fresh = option(args, "--fresh-agent", "").isEmpty() ? null
                : Duration.ofSeconds(Long.parseLong(option(args, "--fresh-agent", "")));
        if (fresh != null) {
            md.append("Every trial is the first fault of its agent's life: the primary's agent was restarted before it "
                    + "and ran ").append(fresh.toSeconds()).append(" s with the lab steady.\n\n");
        }
        if (runs > 0) {
            md.append(trials(runs, faults, withBaseline, tuning, router, upstream, spec,
                    logs.isEmpty() ? null : Path.of(logs), fresh));
        }
        if (soakMinutes > 0) {
            int rt = Integer.parseInt(realtime);
            md.append('\n').append(soak(tuning, router, upstream, soakMinutes, logs.isEmpty() ? null : Path.of(logs),
                    rt));
        }
        Files.writeString(out, md.toString());
        System.out.println("\n" + md);
        System.out.println("written to " + out.toAbsolutePath());
    }

    /** Every fault {@code runs} times with the agent, and today's setup beside it: the two tables. */
    private static String trials(int runs, List<Fault> faults, boolean withBaseline, Nat64Lab.AgentTuning tuning,
            Nat64Lab.RouterBfd router, UpstreamRouter.Kind upstream, Scenario.TrialSpec spec, Path logs,
            Duration fresh) throws IOException {
        StringBuilder md = new StringBuilder();
        Map<Fault, List<Trial>> agent = new LinkedHashMap<>();
        Lab lab = Lab.open("bench-agent");
        try (Scenario s = Scenario.start(lab, Scenario.Mode.AGENT, tuning, router, true, upstream)) {
            for (int r = 0; r < runs; r++) {
                for (Fault f : faults) {
                    if (fresh != null) {
                        s.restartAgent(s.primary(), fresh);
                    }
                    Trial t = s.trial(f, spec);
                    agent.computeIfAbsent(f, k -> new ArrayList<>()).add(t);
                    if (logs != null) {
                        trialLogs(s, logs, f, r + 1, t.faultMicros());
                    }
                    System.out.printf(Locale.ROOT, "agent    run %2d %-40s loss %7.1f ms lost %4d%s%s%n", r + 1, f,
                            t.lossMs(), t.lostAfterFault(), f.planned() ? lostAt(t) : "", components(t));
                }
            }
        }
        Map<Fault, List<Trial>> baseline = new LinkedHashMap<>();
        Scenario.TrialSpec baselineSpec = new Scenario.TrialSpec(Duration.ofMillis(1), Duration.ofMillis(300),
                Duration.ofMillis(1500), Duration.ofMillis(1000));
        if (withBaseline) {
            Lab lab2 = Lab.open("bench-baseline");
            try (Scenario s = Scenario.start(lab2, Scenario.Mode.BASELINE, tuning, router, false, upstream)) {
                for (int r = 0; r < Math.max(3, runs / 4); r++) {
                    for (Fault f : faults) {
                        if (!f.translator()) {
                            continue;
                        }
                        Trial t = s.trial(f, baselineSpec);
                        baseline.computeIfAbsent(f, k -> new ArrayList<>()).add(t);
                        System.out.printf(Locale.ROOT, "baseline run %2d %-40s loss %7.1f ms moved %s%n", r + 1, f,
                                t.lossMs(), t.routeMovedMicros() > 0);
                    }
                }
            }
        }
        md.append("| fault | xlat-sentinel: loss window median | worst | lost datagrams median | recovered | "
                + "no flap after repair | today's setup (FRR bfdd): route withdrawn | loss |\n");
        md.append("| --- | ---: | ---: | ---: | --- | --- | --- | --- |\n");
        for (Fault f : faults) {
            List<Trial> ts = agent.get(f);
            List<Double> loss = ts.stream().map(Trial::lossMs).toList();
            List<Double> lost = ts.stream().map(t -> (double) t.lostAfterFault()).toList();
            long recovered = ts.stream().filter(t -> t.firstBackupMicros() > 0 || t.lostAfterFault() == 0).count();
            long noFlap = ts.stream().filter(t -> t.routeChangesAfterBack() == 0).count();
            List<Trial> bs = baseline.get(f);
            String base = bs == null ? "n/a" : bs.stream().anyMatch(t -> t.routeMovedMicros() > 0) ? "sometimes"
                    : "never (" + bs.size() + " runs)";
            String baseLoss = bs == null ? "n/a" : String.format(Locale.ROOT,
                    "until repaired (median %.0f ms for a 1 s fault)", Stats.median(bs.stream().map(Trial::lossMs)
                            .toList()));
            md.append(String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.0f | %d/%d | %d/%d | %s | %s |%n",
                    f.label(), Stats.median(loss), Stats.max(loss), Stats.median(lost), recovered, ts.size(), noFlap,
                    ts.size(), base, baseLoss));
        }
        md.append("\nPer fault, the components (medians, ms after the fault): agent DOWN, BFD Down on the wire, "
                + "route moved at the router, first datagram through the backup.\n\n");
        md.append("| fault | agent DOWN | BFD Down sent | route moved | first via backup |\n| --- | ---: | ---: | ---: | ---: |\n");
        for (Fault f : faults) {
            List<Trial> ts = agent.get(f);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", f.label(),
                    component(ts, Trial::agentDownMicros), component(ts, Trial::bfdDownMicros),
                    component(ts, Trial::routeMovedMicros), component(ts, Trial::firstBackupMicros)));
        }
        md.append("\nDecision to wire (the agent's DOWN decision, from its health-change line, to the first BFD "
                + "Down captured on the gateway) and repair to route back (the repair command to the route via the "
                + "primary in the router's kernel), per translator fault, in ms.\n\n");
        md.append("| fault | decision to wire median | p99 | max | repair to route back median | worst |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: |\n");
        List<Double> allWire = new ArrayList<>();
        for (Fault f : faults) {
            List<Trial> ts = agent.get(f);
            List<Double> wire = ts.stream().filter(t -> t.agentDownMicros() > 0 && t.bfdDownMicros() > 0)
                    .map(t -> (t.bfdDownMicros() - t.agentDownMicros()) / 1000.0).toList();
            List<Double> back = ts.stream().filter(t -> t.routeBackMicros() > 0)
                    .map(t -> (t.routeBackMicros() - t.repairMicros()) / 1000.0).toList();
            if (wire.isEmpty() && back.isEmpty()) {
                continue;
            }
            allWire.addAll(wire);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", f.label(), fmt(wire, 0.5),
                    fmt(wire, 0.99), fmt(wire, 1.0), fmt(back, 0.5), fmt(back, 1.0)));
        }
        md.append(String.format(Locale.ROOT, "| all translator faults (%d trials) | %s | %s | %s | | |%n",
                allWire.size(), fmt(allWire, 0.5), fmt(allWire, 0.99), fmt(allWire, 1.0)));
        md.append("\nEvery trial (ms after the fault; loss window start and end; - when it did not happen):\n\n"
                + "| fault | run | loss window | lost from | lost until | agent DOWN | BFD Down sent | route moved "
                + "| first via backup | decision to wire |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                + "| ---: |\n");
        for (Fault f : faults) {
            List<Trial> ts = agent.get(f);
            for (int i = 0; i < ts.size(); i++) {
                Trial t = ts.get(i);
                UdpStream.Gap g = t.lossWindow();
                md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %s | %s | %s | %s | %s | %s | %s |%n",
                        f.label(), i + 1, t.lossMs(), g == null ? "-" : after(t, g.startMicros()),
                        g == null ? "-" : after(t, g.endMicros()), after(t, t.agentDownMicros()),
                        after(t, t.bfdDownMicros()), after(t, t.routeMovedMicros()), after(t, t.firstBackupMicros()),
                        t.agentDownMicros() > 0 && t.bfdDownMicros() > 0 ? String.format(Locale.ROOT, "%.2f",
                                (t.bfdDownMicros() - t.agentDownMicros()) / 1000.0) : "-"));
            }
        }
        return md.toString();
    }

    /** {@code micros} as ms after the trial's fault, or "-" when it did not happen (0). */
    private static String after(Trial t, long micros) {
        return micros <= 0 ? "-" : String.format(Locale.ROOT, "%.1f", (micros - t.faultMicros()) / 1000.0);
    }

    /** The trial's timeline in one line, for the progress output. */
    private static String components(Trial t) {
        if (!t.fault().translator()) {
            return "";
        }
        return " (ms: DOWN " + after(t, t.agentDownMicros()) + ", wire " + after(t, t.bfdDownMicros()) + ", moved "
                + after(t, t.routeMovedMicros()) + ", via backup " + after(t, t.firstBackupMicros()) + ")";
    }

    /** The {@code q} quantile (nearest rank) of {@code v}, formatted; "-" when empty. */
    private static String fmt(List<Double> v, double q) {
        if (v.isEmpty()) {
            return "-";
        }
        List<Double> sorted = v.stream().sorted().toList();
        int rank = (int) Math.ceil(q * sorted.size());
        return String.format(Locale.ROOT, "%.2f", sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))));
    }

    /** For a planned fault, when each lost datagram was sent (ms after the fault): a planned switch should lose none. */
    private static String lostAt(Trial t) {
        List<String> at = t.packets().stream().filter(p -> p.sentMicros() >= t.faultMicros() - 2_000 && !p.delivered())
                .map(p -> String.format(Locale.ROOT, "%+.1f", (p.sentMicros() - t.faultMicros()) / 1000.0)).toList();
        return at.isEmpty() ? "" : " (sent at " + String.join(", ", at) + " ms; " + t.checksumDrops()
                + " answer(s) dropped by the client for a zero UDP checksum)";
    }

    private static String component(List<Trial> ts, java.util.function.ToLongFunction<Trial> at) {
        List<Double> v = ts.stream().filter(t -> at.applyAsLong(t) > 0)
                .map(t -> (at.applyAsLong(t) - t.faultMicros()) / 1000.0).toList();
        return v.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", Stats.median(v));
    }

    /**
     * The agents' log lines of one trial (--logs DIR), from 100 ms before its fault on: why each
     * agent decided when it did (a late decision is read there, not guessed).
     */
    private static void trialLogs(Scenario s, Path dir, Fault f, int run, long faultMicros) throws IOException {
        Files.createDirectories(dir);
        for (String gw : List.of("gwa", "gwb")) {
            String lines = s.agent(gw).log().lines().filter(l -> loggedMicros(l) >= faultMicros - 100_000)
                    .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
            Files.writeString(dir.resolve(String.format(Locale.ROOT, "trial-%s-%02d-%s.log", f.name(), run, gw)), lines);
        }
    }

    /** Steady traffic for {@code minutes} at the benchmark's settings: any withdrawal is a false one. */
    static String soak(Nat64Lab.AgentTuning tuning, Nat64Lab.RouterBfd router, UpstreamRouter.Kind upstream,
            int minutes, Path logs, int bfdRealtime) throws IOException {
        Lab lab = Lab.open("bench-soak");
        try (Scenario s = Scenario.start(lab, Scenario.Mode.AGENT, tuning, router, false, upstream)) {
            if (bfdRealtime > 0) {
                realtimeBfd(s, bfdRealtime);
            }
            RouteMonitor routes = RouteMonitor.start(s.lab().router());
            long startMicros = UdpStream.nowMicros();
            int count = minutes * 60_000;
            long csumErrorsBefore = Scenario.udp6ChecksumErrors(s.lab().client());
            Map<String, long[]> cpuBefore = new LinkedHashMap<>();
            for (String gw : List.of("gwa", "gwb")) {
                cpuBefore.put(gw, agentCpu(s, gw));
            }
            List<UdpStream.Packet> packets = UdpStream.run(s.lab().client(), Nat64Lab.TARGETS6.get(0), count,
                    Duration.ofMillis(1), Duration.ofMillis(500));
            long csumErrors = Scenario.udp6ChecksumErrors(s.lab().client()) - csumErrorsBefore;
            Map<String, Double> cpuPercent = new LinkedHashMap<>();
            for (String gw : List.of("gwa", "gwb")) {
                long[] before = cpuBefore.get(gw);
                long[] after = agentCpu(s, gw);
                // CPU ticks (USER_HZ 100) over wall-clock nanoseconds, as a share of one CPU.
                cpuPercent.put(gw, before[0] < 0 || after[0] < 0 ? -1.0
                        : 100.0 * (after[0] - before[0]) * 10_000_000L / (after[1] - before[1]));
            }
            long changes = routes.events(Nat64Lab.PREFIX).stream().filter(e -> e.micros() >= startMicros).count();
            // Only what was logged after the soak began (every agent withdraws once at start,
            // STARTING). A route change without a withdrawal is BFD itself: which side lost the
            // session, and why.
            long withdrawals = 0;
            List<String> bfdDowns = new ArrayList<>();
            for (String gw : List.of("gwa", "gwb")) {
                for (String l : s.agent(gw).log().lines().filter(l -> loggedMicros(l) >= startMicros).toList()) {
                    if (l.contains("service nat64 WITHDRAWN")) {
                        withdrawals++;
                    } else if (l.contains(" -> Down")) {
                        bfdDowns.add(gw + ": " + l);
                    }
                }
            }
            if (logs != null) {
                // The agents' logs of the soak (--logs DIR): the counted reason behind each withdrawal.
                Files.createDirectories(logs);
                for (String gw : List.of("gwa", "gwb")) {
                    Files.writeString(logs.resolve("soak-" + gw + ".log"), s.agent(gw).log());
                }
            }
            long lost = UdpStream.lost(packets);
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "Soak: %d minutes of steady traffic "
                    + "(%d datagrams at 1 ms), same settings: %d route changes at the router, %d WITHDRAWN lines in "
                    + "the agents' logs, %d BFD Down transitions in the agents' logs, %d datagrams lost (%.4f %%).%n",
                    minutes, count, changes, withdrawals, bfdDowns.size(), lost, 100.0 * lost / count));
            bfdDowns.stream().limit(20).forEach(l -> out.append("    ").append(l).append('\n'));
            // The agents' own lateness over the soak (issue 12: rounds that stall are the agent's, not TAYGA's).
            for (String gw : List.of("gwa", "gwb")) {
                var d = s.agent(gw).status().path("instances").path(0).path("doNoHarm");
                out.append(String.format(Locale.ROOT, "    %s: longest probe-round lateness %.1f ms; not counted: %d late "
                        + "probe runs, %d busy rounds, %d upstream rounds; agent CPU %.1f %% of one CPU%n", gw,
                        d.path("maxRoundLatenessMs").asDouble(), d.path("lateProbes").asLong(),
                        d.path("busyRounds").asLong(), d.path("upstreamRounds").asLong(), cpuPercent.get(gw)));
            }
            // TAYGA 0.9.2 writes UDP checksum 0x0000 (not 0xFFFF) into the IPv6 answer when the
            // adjusted sum is zero, and the client's kernel drops it: one answer in 65 535.
            out.append(String.format(Locale.ROOT, "    of those, %d dropped by the client's kernel for a zero UDP "
                    + "checksum (Udp6InCsumErrors; docs/failover.md)%n", csumErrors));
            // When each loss happened: a pattern in time (periodic, at a BFD Down) says where to look.
            List<UdpStream.Gap> gaps = new ArrayList<>(UdpStream.gaps(packets));
            gaps.sort(java.util.Comparator.comparingLong(UdpStream.Gap::startMicros));
            gaps.stream().limit(50).forEach(g -> out.append(String.format(Locale.ROOT,
                    "    lost %d datagram(s) sent from %.3f s after the start (%s UTC)%n", g.lostCount(),
                    (g.startMicros() - startMicros) / 1e6, Instant.ofEpochSecond(0, g.startMicros() * 1000))));
            return out.toString();
        } finally {
            lab.close();
        }
    }

    /**
     * BFD under SCHED_FIFO on both sides, same timers: the agents started with
     * {@code bfdRealtimePriority} ({@code lab.bfdRealtimePriority}, set from {@code --bfd-realtime});
     * BIRD (one thread, BFD included) is put there by chrt.
     */
    static void realtimeBfd(Scenario s, int priority) throws IOException {
        var bird = s.lab().upstream().bird(); // throws for FRR: chrt here is for the BIRD routers
        Cmd.run("chrt", "-a", "-f", "-p", Integer.toString(priority), Long.toString(bird.daemon().pid()));
        s.awaitSteady();
    }

    /** The agent's CPU time so far (utime + stime, USER_HZ ticks) and when it was read; {-1, now} if unreadable. */
    private static long[] agentCpu(Scenario s, String gw) {
        long now = System.nanoTime();
        try {
            long pid = s.agent(gw).status().path("pid").asLong(-1);
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of stat(5); f[0] is field 3 (state).
            return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), now};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, now};
        }
    }

    /** The timestamp that starts an agent log line (ISO-8601), in microseconds; -1 without one. */
    static long loggedMicros(String line) {
        int space = line.indexOf(' ');
        try {
            Instant at = Instant.parse(space < 0 ? line : line.substring(0, space));
            return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
        } catch (java.time.format.DateTimeParseException e) {
            return -1;
        }
    }

    private static String hostInfo() {
        try {
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            return Runtime.getRuntime().availableProcessors() + " CPUs, load average " + load + " at the start";
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors() + " CPUs";
        }
    }

    private static String option(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }
}
