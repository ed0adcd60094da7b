package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.Iperf;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "load and correlated failure" benchmark ({@code lab/bench/load}): working translators
 * under saturating load, or with both probe targets unreachable, at the lab's fast settings
 * or production-like ones; counts withdrawals, BFD Downs and time without a route at the
 * router, one fresh lab per case. Never part of the test command.
 *
 * <pre>
 * lab/bench/load --cases udp,tcp,targets,idle --settings fast,production --seconds 180 [--last-resort] --out lab/out/load.md
 *     [--logs DIR]   (keeps each case's agent logs there)
 *     [--bfd-realtime PRIORITY]   (agents' BFD event loops and BIRD under SCHED_FIFO)
 *     [--confirm-early]   (the agents' health.confirmEarly)
 *     [--detect-realtime PRIORITY]   (the agents' deciding threads under SCHED_FIFO: agent.detectionRealtimePriority)
 * </pre>
 */
public final class LoadBench {
    private LoadBench() {
    }

    public static void main(String[] args) throws IOException {
        List<String> cases = List.of(option(args, "--cases", "udp,tcp,targets").split(","));
        List<String> settings = List.of(option(args, "--settings", "fast,production").split(","));
        Duration length = Duration.ofSeconds(Long.parseLong(option(args, "--seconds", "180")));
        Path out = Path.of(option(args, "--out", "lab/out/load.md"));
        boolean lastResort = List.of(args).contains("--last-resort");
        Path logs = option(args, "--logs", "").isEmpty() ? null : Path.of(option(args, "--logs", ""));
        int realtime = Integer.parseInt(option(args, "--bfd-realtime", "0"));
        if (realtime > 0) {
            // The agents' BFD event loops under SCHED_FIFO (agent.bfdRealtimePriority), BIRD too (chrt).
            System.setProperty("lab.bfdRealtimePriority", Integer.toString(realtime));
        }
        boolean confirmEarly = List.of(args).contains("--confirm-early");
        if (confirmEarly) {
            System.setProperty("lab.confirmEarly", "true");
        }
        int detectRealtime = Integer.parseInt(option(args, "--detect-realtime", "0"));
        if (detectRealtime > 0) {
            System.setProperty("lab.detectionRealtimePriority", Integer.toString(detectRealtime));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, load average ").append(Files.readString(Path.of("/proc/loadavg")).split(" ")[0])
                .append(" at the start").append(realtime > 0 ? "; BFD (agents' event loops and BIRD) under SCHED_FIFO "
                        + "priority " + realtime : "").append(confirmEarly ? "; health.confirmEarly on" : "")
                .append(detectRealtime > 0 ? "; deciding threads under SCHED_FIFO priority " + detectRealtime : "")
                .append(".\n\n");
        md.append("| settings | case | withdrawals (gwa + gwb) | BFD Downs | no route at the router | route changes "
                + "| load reported | other traffic lost | upstream alarm after |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n");
        List<LoadTrial.Result> results = new ArrayList<>();
        int faultRuns = Integer.parseInt(option(args, "--fault-runs", "0"));
        if (faultRuns > 0) {
            md.append(faultsUnderLoad(settings, faultRuns, lastResort)).append('\n');
        }
        for (String set : settings) {
            Nat64Lab.AgentTuning tuning = tuning(set);
            for (String c : cases) {
                if (c.isBlank()) {
                    continue;
                }
                LoadTrial.Spec spec = spec(c, length);
                Lab lab = Lab.open("bench-load");
                try (Scenario s = Scenario.start(lab, Scenario.Mode.AGENT, tuning, Nat64Lab.Options.defaults()
                        .withBfd(tuning.routerBfd()).withLastResort(lastResort), false)) {
                    if (realtime > 0) {
                        FailoverBench.realtimeBfd(s, realtime);
                    }
                    LoadTrial.Result r = LoadTrial.run(s, spec);
                    results.add(r);
                    if (logs != null) {
                        // The agents' logs of the case, for the reasons behind each count.
                        Files.createDirectories(logs);
                        for (Nat64Lab.Gateway g : s.lab().gateways()) {
                            Files.writeString(logs.resolve(set + "-" + c + "-" + g.name() + ".log"),
                                    s.agent(g.name()).log());
                        }
                    }
                    System.out.println(set + ": " + r);
                    String alarm = r.firstAlarmMicros().isEmpty() ? "-"
                            : String.format(Locale.ROOT, "%.0f ms", (r.firstAlarmMicros().values().stream()
                                    .mapToLong(Long::longValue).max().getAsLong() - r.startMicros()) / 1000.0);
                    md.append(String.format(Locale.ROOT, "| %s | %s | %d + %d | %d | %.1f ms (%.1f %%) | %d | %s | %s "
                            + "| %s |%n", set, spec.label(), r.withdrawals().getOrDefault("gwa", 0),
                            r.withdrawals().getOrDefault("gwb", 0), r.bfdDowns(), r.noRouteMicros() / 1000.0,
                            100 * r.noRouteShare(), r.routeChanges(), r.rate(), r.streamSent() > 0 ? r.streamLost()
                                    + " / " + r.streamSent() : "-", alarm));
                }
            }
        }
        md.append("\nFirst withdrawal reasons per case:\n\n");
        for (LoadTrial.Result r : results) {
            if (!r.reasons().isEmpty()) {
                md.append("- ").append(r.spec().label()).append(": ").append(r.reasons().get(0)).append('\n');
            }
        }
        Files.writeString(out, md.toString());
        System.out.println("\n" + md);
        System.out.println("written to " + out.toAbsolutePath());
    }

    /**
     * A saturated primary that is then killed, frozen or has its translated traffic dropped must
     * still be withdrawn: {@code runs} times each, 2 s of UDP saturation first; the time from
     * the fault to the route leaving gwa at the router.
     */
    static String faultsUnderLoad(List<String> settings, int runs, boolean lastResort) throws IOException {
        StringBuilder md = new StringBuilder("| settings | fault under UDP saturation | runs | withdrawn | route moved "
                + "after: median | worst |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
        for (String set : settings) {
            Nat64Lab.AgentTuning tuning = tuning(set);
            Lab lab = Lab.open("bench-loadfault");
            try (Scenario s = Scenario.start(lab, Scenario.Mode.AGENT, tuning, Nat64Lab.Options.defaults()
                    .withBfd(tuning.routerBfd()).withLastResort(lastResort), false)) {
                int realtime = Integer.getInteger("lab.bfdRealtimePriority", 0);
                if (realtime > 0) {
                    FailoverBench.realtimeBfd(s, realtime);
                }
                // Killed and frozen: TAYGA's own probe sees them. Translated traffic dropped: only the
                // datapath probe does, on a host the flood starves (the "host starved" excuse's bound).
                for (Fault f : List.of(Fault.TAYGA_KILLED, Fault.TAYGA_FROZEN, Fault.IPV4_DROPPED)) {
                    List<Double> moved = new ArrayList<>();
                    for (int r = 0; r < runs; r++) {
                        double ms = LoadTrial.faultUnderLoad(s, f, LoadTrial.IPERF_PORT + 10 + r);
                        System.out.printf(Locale.ROOT, "%s: %s under load run %d: route moved after %.1f ms%n", set, f,
                                r + 1, ms);
                        if (ms >= 0) {
                            moved.add(ms);
                        }
                    }
                    md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f ms | %.1f ms |%n", set, f.label(),
                            runs, moved.size(), Stats.median(moved), Stats.max(moved)));
                }
            }
        }
        return md.toString();
    }

    static Nat64Lab.AgentTuning tuning(String name) {
        return switch (name) {
            case "fast" -> Nat64Lab.AgentTuning.FAST;
            case "fast5" -> Nat64Lab.AgentTuning.FAST_5MS;
            case "production" -> Nat64Lab.AgentTuning.PRODUCTION_LIKE;
            case "production-defaults" -> Nat64Lab.AgentTuning.PRODUCTION_LIKE.withDampingDefaults();
            default -> throw new IllegalArgumentException("--settings: fast, fast5, production or production-defaults, not "
                    + name);
        };
    }

    static LoadTrial.Spec spec(String name, Duration length) {
        return switch (name) {
            case "udp" -> new LoadTrial.Spec(Iperf.Kind.UDP, length, false, false);
            case "tcp" -> new LoadTrial.Spec(Iperf.Kind.TCP, length, false, false);
            case "targets" -> new LoadTrial.Spec(null, length, true, true);
            case "idle" -> new LoadTrial.Spec(null, length, false, false);
            default -> throw new IllegalArgumentException("--cases: udp, tcp, targets or idle, not " + name);
        };
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
