package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.ScaleOutLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scale-out benchmark ({@code lab/bench/scale-out}): per scenario, repeated trials with
 * hundreds of UDP flows, counting per flow what a killed translator did to them, at the
 * failover benchmark's settings ({@link Nat64Lab.AgentTuning#FAST}):
 * <ul>
 * <li>seed: two gateways, lower and upper instance each; the first choice of one half killed
 *     (the lower half's and the upper half's in turn);</li>
 * <li>partitions: three gateways, 8 parts, the rendered plan; each gateway's translator killed in turn;</li>
 * <li>ECMP: the same three gateways with one ECMP route; each gateway killed in turn.</li>
 * </ul>
 * Writes a Markdown table. Never part of the test command.
 */
public final class ScaleOutBench {
    private ScaleOutBench() {
    }

    public static void main(String[] args) throws IOException {
        int runs = Integer.parseInt(option(args, "--runs", "5"));
        List<String> scenarios = List.of(option(args, "--scenarios", "seed,partitions,ecmp").split(","));
        Path out = Path.of(option(args, "--out", "lab/out/scale-out.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Nat64Lab.AgentTuning tuning = Nat64Lab.AgentTuning.FAST;
        ScaleOutScenario.TrialSpec spec = ScaleOutScenario.TrialSpec.DEFAULT;
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(Instant.now()).append(" on ").append(hostInfo()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Settings: probes every %d ms, fall %d, rise %d; BFD %d ms x %d; "
                + "each flow one datagram every %d ms, the translator killed %d ms into the flows, %d ms more after; "
                + "%d runs per killed translator.%n%n", tuning.interval().toMillis(), tuning.fall(), tuning.rise(),
                tuning.bfdInterval().toMillis(), tuning.bfdMultiplier(), spec.interval().toMillis(),
                spec.before().toMillis(), spec.after().toMillis(), runs));
        Map<String, List<ScaleOutScenario.Trial>> trials = new LinkedHashMap<>();
        if (scenarios.contains("seed")) {
            Lab lab = Lab.open("bench-scaleout-seed");
            try (ScaleOutScenario s = ScaleOutScenario.start(lab, ScaleOutScenario.Layout.seed(), tuning)) {
                for (int r = 0; r < runs; r++) {
                    for (int octet : new int[] {0, 128}) {
                        ScaleOutLab.Instance victim = s.firstChoiceFor(octet);
                        record(trials, "seed: 2 gateways x (lower, upper), halves; a half's first instance killed",
                                s.trial(List.of(victim), spec), r);
                    }
                }
            }
        }
        if (scenarios.contains("partitions") || scenarios.contains("ecmp")) {
            Lab lab = Lab.open("bench-scaleout-three");
            try (ScaleOutScenario s = ScaleOutScenario.start(lab, ScaleOutScenario.Layout.threeGateways(), tuning)) {
                for (ScaleOutScenario.Routing routing : ScaleOutScenario.Routing.values()) {
                    if (!scenarios.contains(routing == ScaleOutScenario.Routing.ECMP ? "ecmp" : "partitions")) {
                        continue;
                    }
                    s.use(routing);
                    String name = routing == ScaleOutScenario.Routing.ECMP
                            ? "ECMP: 3 gateways, one route via all; a gateway's translator killed"
                            : "partitions: 3 gateways, 8 parts; a gateway's translator killed";
                    for (int r = 0; r < runs; r++) {
                        for (ScaleOutLab.Gateway g : s.lab().gateways()) {
                            record(trials, name, s.trial(List.of(g.instances().get(0)), spec), r);
                        }
                    }
                }
            }
        }
        md.append(table(trials));
        md.append(byVictim(trials));
        Files.writeString(out, md.toString());
        System.out.println("\n" + md);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private static void record(Map<String, List<ScaleOutScenario.Trial>> trials, String name,
            ScaleOutScenario.Trial t, int run) {
        // Without the raw datagrams: a run of the benchmark keeps dozens of trials.
        trials.computeIfAbsent(name, k -> new ArrayList<>()).add(new ScaleOutScenario.Trial(t.routing(), t.killed(),
                t.report(), t.lossWindowMs(), t.asPlanned(), t.routesAfter(), t.sessionsAfter(), t.checksumDrops(),
                List.of()));
        FlowReport r = t.report();
        System.out.printf(Locale.ROOT, "%-12s run %2d killed %-10s window %6.1f ms, healthy lost %d moved %d, "
                + "failed ended at %s%s%n", t.routing(), run + 1, String.join(",", t.killed()), t.lossWindowMs(),
                r.healthyLostFlows(), r.healthyMoved(), r.failedEndedAt(),
                t.checksumDrops() > 0 ? " (" + t.checksumDrops() + " checksum drops)" : "");
    }

    static String table(Map<String, List<ScaleOutScenario.Trial>> trials) {
        StringBuilder md = new StringBuilder();
        md.append("| scenario | trials | flows | flows on the killed translator (median) | loss window of the moved "
                + "parts: median | worst | per-flow outage median | moved flows where planned | healthy flows that "
                + "lost a datagram | healthy flows moved: median | range | share of healthy flows |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |\n");
        trials.forEach((name, ts) -> {
            List<Double> window = ts.stream().map(ScaleOutScenario.Trial::lossWindowMs).toList();
            List<Double> outage = ts.stream().map(t -> t.report().medianOutageMs()).toList();
            List<Double> failedFlows = ts.stream().map(t -> (double) t.report().ofFailed().size()).toList();
            List<Double> moved = ts.stream().map(t -> (double) t.report().healthyMoved()).toList();
            long healthy = ts.stream().mapToLong(t -> t.report().healthy().size()).sum();
            long movedSum = ts.stream().mapToLong(t -> t.report().healthyMoved()).sum();
            long lost = ts.stream().mapToLong(t -> t.report().healthyLostFlows()).sum();
            boolean planned = ts.get(0).routing() == ScaleOutScenario.Routing.PARTITIONS;
            long asPlanned = ts.stream().mapToLong(ScaleOutScenario.Trial::asPlanned).sum();
            long ofFailed = ts.stream().mapToLong(t -> t.report().ofFailed().size()).sum();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.1f ms | %.1f ms | %.1f ms | %s | %d of %d "
                    + "| %.0f | %.0f-%.0f | %.1f %% |%n", name, ts.size(), ts.get(0).report().flows().size(),
                    Stats.median(failedFlows), Stats.median(window), Stats.max(window), Stats.median(outage),
                    planned ? asPlanned + " of " + ofFailed : "n/a (no plan)", lost, healthy, Stats.median(moved),
                    Stats.min(moved), Stats.max(moved), 100.0 * movedSum / Math.max(1, healthy)));
        });
        return md.toString();
    }

    /** Per killed translator: where its flows went, and how many healthy flows moved (ECMP depends on which). */
    static String byVictim(Map<String, List<ScaleOutScenario.Trial>> trials) {
        StringBuilder md = new StringBuilder("\nPer killed translator (all runs): where its flows ended, and the "
                + "healthy flows that moved, from -> to.\n\n| scenario | killed | its flows ended at | healthy flows "
                + "moved |\n| --- | --- | --- | --- |\n");
        trials.forEach((name, ts) -> {
            Map<String, List<ScaleOutScenario.Trial>> byKilled = new TreeMap<>();
            ts.forEach(t -> byKilled.computeIfAbsent(String.join(",", t.killed()), k -> new ArrayList<>()).add(t));
            byKilled.forEach((killed, kts) -> {
                Map<String, Integer> ended = new TreeMap<>();
                Map<String, Integer> movedPaths = new TreeMap<>();
                kts.forEach(t -> {
                    t.report().failedEndedAt().forEach((k, v) -> ended.merge(k, v, Integer::sum));
                    t.report().healthyMovedPaths().forEach((k, v) -> movedPaths.merge(k, v, Integer::sum));
                });
                md.append("| ").append(name.substring(0, name.indexOf(':'))).append(" | ").append(killed)
                        .append(" | ").append(ended).append(" | ").append(movedPaths.isEmpty() ? "none" : movedPaths)
                        .append(" |\n");
            });
        });
        return md.toString();
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
