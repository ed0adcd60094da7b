package dev.xlatsentinel.bfd.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * An allocation-heavy load beside the engine, to show whether garbage collection delays
 * packets: {@code mbps} MB/s of arrays (64 B to 4 KiB), of which one in 16 replaces a
 * random entry of a retained set of {@code liveMb} MB. Those entries live for seconds, so
 * they survive young collections, are promoted and die in the old generation: the old
 * generation fills and must be collected too, the worst case for a stop-the-world collector.
 */
final class GcLoad implements Runnable {
    private final long bytesPerMs;
    private final Object[] live;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long allocated;
    /** Keeps the reads of the short-lived arrays from being optimised away. */
    volatile long sink;

    private GcLoad(int mbps, int liveMb) {
        this.bytesPerMs = mbps * 1_048_576L / 1000;
        // Entries average ~2 KiB.
        this.live = new Object[Math.max(1, liveMb * 512)];
        this.thread = new Thread(this, "gc-load");
        this.thread.setDaemon(true);
    }

    static GcLoad start(int mbps, int liveMb) {
        GcLoad g = new GcLoad(mbps, liveMb);
        g.thread.start();
        return g;
    }

    long allocatedBytes() {
        return allocated;
    }

    void stop() {
        running = false;
        thread.interrupt();
    }

    @Override
    public void run() {
        SplittableRandom r = new SplittableRandom(1);
        long next = System.nanoTime();
        long total = 0;
        long read = 0;
        while (running) {
            long budget = bytesPerMs;
            while (budget > 0) {
                byte[] a = new byte[64 + r.nextInt(4032)];
                a[a.length - 1] = (byte) budget;
                budget -= a.length;
                total += a.length;
                if (r.nextInt(16) == 0) {
                    live[r.nextInt(live.length)] = a;
                } else {
                    read += a[0];
                }
            }
            allocated = total;
            sink = read;
            next += 1_000_000;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (wait < -100_000_000) {
                next = System.nanoTime();
            }
        }
    }

    /** Collections and collection time since the JVM started, per collector and in total. */
    static Map<String, Object> gcFigures() {
        Map<String, Object> m = new LinkedHashMap<>();
        long count = 0;
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += gc.getCollectionCount();
            ms += gc.getCollectionTime();
            m.put("gc:" + gc.getName(), gc.getCollectionCount() + " / " + gc.getCollectionTime() + " ms");
        }
        m.put("gcCount", count);
        m.put("gcMs", ms);
        m.put("heapUsedMb", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        m.put("heapCommittedMb", Runtime.getRuntime().totalMemory() >> 20);
        return m;
    }
}
