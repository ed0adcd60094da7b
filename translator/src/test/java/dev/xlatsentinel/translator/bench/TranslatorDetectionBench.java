package dev.xlatsentinel.translator.bench;

import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.assembly.TranslatorHealth;
import dev.xlatsentinel.translator.health.HealthChange;
import dev.xlatsentinel.translator.health.HealthState;
import dev.xlatsentinel.translator.lab.Fault;
import dev.xlatsentinel.translator.lab.TaygaGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (not a test): time from a fault to DOWN on a real TAYGA gateway, per fault
 * class, with the given probe interval and fall. Each run injects the fault at a random
 * phase of the probe cycle, waits for DOWN, repairs, and waits for UP again.
 *
 * <p>Two figures per run: from the moment the fault command started (conservative: the
 * fault is in effect somewhere during the command) and from the moment it returned.
 * Run with {@code lab/bench/translator-detection [--runs N] [--interval-ms N] [--fall N]
 * [--timeout-ms N] [--fast-ms N]}; needs root.
 */
public final class TranslatorDetectionBench {
    private record Change(HealthChange change, long nanos) {
    }

    public static void main(String[] args) throws Exception {
        int runs = intArg(args, "--runs", 20);
        Duration interval = Duration.ofMillis(intArg(args, "--interval-ms", 10));
        Duration fast = Duration.ofMillis(intArg(args, "--fast-ms", (int) interval.toMillis()));
        Duration timeout = Duration.ofMillis(intArg(args, "--timeout-ms", 5));
        int fall = intArg(args, "--fall", 2);
        int rise = intArg(args, "--rise", 2);
        System.out.printf(Locale.ROOT, "interval %d ms, fast interval %d ms, probe timeout %d ms, fall %d, rise %d,"
                + " %d runs per fault%n", interval.toMillis(), fast.toMillis(), timeout.toMillis(), fall, rise, runs);

        Map<Fault, List<Double>> fromStart = new EnumMap<>(Fault.class);
        Map<Fault, List<Double>> fromEnd = new EnumMap<>(Fault.class);
        int falseAlarms = 0;
        try (Lab lab = Lab.open("xlat-bench"); SystemScheduler scheduler = new SystemScheduler("bench-health")) {
            TaygaGateway gw = new TaygaGateway(lab);
            BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
            try (TranslatorHealth health = TranslatorHealth.create(gw.config(rise, fall, interval, fast, timeout),
                    scheduler)) {
                health.addListener(c -> changes.add(new Change(c, System.nanoTime())));
                health.start();
                await(changes, HealthState.UP);
                for (Fault fault : Fault.values()) {
                    List<Double> s = new ArrayList<>();
                    List<Double> e = new ArrayList<>();
                    while (s.size() < runs) {
                        // A random phase within two probe cycles, so faults land anywhere in the cycle.
                        Thread.sleep(ThreadLocalRandom.current().nextLong(2 * interval.toMillis() + 1));
                        if (!changes.isEmpty()) {
                            falseAlarms++;
                            System.out.println("  (unprompted change, run discarded: " + changes.poll().change() + ")");
                            await(changes, HealthState.UP);
                            continue;
                        }
                        long t0 = System.nanoTime();
                        fault.inject(gw);
                        long t1 = System.nanoTime();
                        Change down;
                        try {
                            down = await(changes, HealthState.DOWN);
                        } finally {
                            fault.repair(gw);
                        }
                        await(changes, HealthState.UP);
                        s.add((down.nanos() - t0) / 1e6);
                        e.add((down.nanos() - t1) / 1e6);
                    }
                    fromStart.put(fault, s);
                    fromEnd.put(fault, e);
                    System.out.printf(Locale.ROOT, "%-27s median %6.1f ms  (min %5.1f, max %5.1f; from command return:"
                            + " median %6.1f ms)%n", fault, median(s), Collections.min(s), Collections.max(s),
                            median(e));
                }
            }
        }
        System.out.println();
        System.out.println("| fault | median from fault command start | min | max | median from command return |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (Fault f : Fault.values()) {
            List<Double> s = fromStart.get(f);
            System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n",
                    f.name().toLowerCase(Locale.ROOT).replace('_', ' '), median(s), Collections.min(s),
                    Collections.max(s), median(fromEnd.get(f)));
        }
        System.out.println("unprompted changes (runs discarded): " + falseAlarms);
    }

    private static Change await(BlockingQueue<Change> q, HealthState to) throws InterruptedException {
        Change c = q.poll(30, TimeUnit.SECONDS);
        if (c == null) {
            throw new IllegalStateException("no change to " + to + " within 30 s");
        }
        if (c.change().to() != to) {
            throw new IllegalStateException("expected " + to + ", got " + c.change());
        }
        return c;
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static int intArg(String[] args, String name, int dflt) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? Integer.parseInt(args[i + 1]) : dflt;
    }

    private TranslatorDetectionBench() {
    }
}
