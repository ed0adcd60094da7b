package dev.xlatsentinel.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded flood of junk to a UDP port, sent from inside a namespace the lab made, as a
 * careless or hostile host on the link would: random octets, or well-formed BFD Control
 * packets (RFC 5880 §4.1) whose discriminators match no session, alternately. It stops by
 * itself after {@code count} datagrams or {@code limit}, whichever comes first; at
 * {@code ratePerSecond} (spread over the threads) or, with 0, as fast as the threads can send.
 *
 * <p>The datagrams leave with the namespace's default TTL / hop limit: to pass a receiver's
 * GTSM check (RFC 5881 §5) the namespace must send with 255 ({@link #sendWithTtl255}).
 */
public final class UdpFlood {
    /** What was sent: datagrams, and over how long. */
    public record Result(long sent, long failed, Duration took) {
        public double ratePerSecond() {
            return took.isZero() ? 0 : sent / (took.toNanos() / 1e9);
        }
    }

    private UdpFlood() {
    }

    /** Makes every datagram the namespace sends carry TTL / hop limit 255 (as a host on the link may). */
    public static void sendWithTtl255(Netns ns, String ifname) {
        ns.sysctl("net.ipv4.ip_default_ttl", "255");
        ns.sysctl("net.ipv6.conf.all.hop_limit", "255");
        ns.sysctl("net.ipv6.conf." + ifname + ".hop_limit", "255");
    }

    /**
     * Sends from {@code from} (an address of {@code ns}) to {@code to}:{@code port} on
     * {@code threads} threads that entered the namespace; blocks until done.
     */
    public static Result send(Netns ns, String from, String to, int port, long count, int threads,
            long ratePerSecond, Duration limit) {
        if (count <= 0 || threads <= 0 || limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("count, threads and limit must be positive");
        }
        ExecutorService pool = ns.threads(threads);
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        List<Future<long[]>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long share = count / threads + (t < count % threads ? 1 : 0);
            long rate = ratePerSecond / threads;
            int seed = t;
            parts.add(pool.submit(() -> sendPart(from, to, port, share, rate, deadline, seed)));
        }
        long sent = 0;
        long failed = 0;
        try {
            for (Future<long[]> f : parts) {
                long[] r = f.get(limit.toMillis() + 10_000, java.util.concurrent.TimeUnit.MILLISECONDS);
                sent += r[0];
                failed += r[1];
            }
        } catch (Exception e) {
            throw new LabException("flood from " + from + " failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
        return new Result(sent, failed, Duration.ofNanos(System.nanoTime() - start));
    }

    private static long[] sendPart(String from, String to, int port, long count, long rate, long deadline, int seed)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed * 7919L + System.nanoTime());
        long sent = 0;
        long failed = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            ch.connect(new InetSocketAddress(InetAddress.getByName(to), port));
            ByteBuffer junk = ByteBuffer.allocateDirect(64);
            ByteBuffer bfd = ByteBuffer.allocateDirect(24);
            long start = System.nanoTime();
            long gap = rate > 0 ? 1_000_000_000L / rate : 0;
            for (long i = 0; i < count; i++) {
                if ((i & 255) == 0 && System.nanoTime() > deadline) {
                    break;
                }
                if (gap > 0) {
                    long due = start + i * gap;
                    long wait = due - System.nanoTime();
                    if (wait > 50_000) {
                        LockSupport.parkNanos(wait);
                    }
                }
                ByteBuffer b = (i & 1) == 0 ? randomOctets(junk, random) : unknownDiscriminators(bfd, random);
                try {
                    if (ch.write(b) > 0) {
                        sent++;
                    } else {
                        failed++;
                    }
                } catch (IOException e) {
                    // ICMP port unreachable reported on the connected socket, a full queue: count and go on.
                    failed++;
                }
            }
        }
        return new long[] {sent, failed};
    }

    private static ByteBuffer randomOctets(ByteBuffer b, SplittableRandom r) {
        b.clear();
        int n = 1 + r.nextInt(b.capacity());
        for (int i = 0; i < n; i++) {
            b.put((byte) r.nextInt(256));
        }
        return b.flip();
    }

    /** Version 1, Up, Detect Mult 3, length 24, random nonzero discriminators, 10 ms intervals. */
    private static ByteBuffer unknownDiscriminators(ByteBuffer b, SplittableRandom r) {
        b.clear();
        b.put((byte) 0x20).put((byte) 0xc0).put((byte) 3).put((byte) 24);
        b.putInt(r.nextInt() | 1).putInt(r.nextInt() | 1);
        b.putInt(10_000).putInt(10_000).putInt(0);
        return b.flip();
    }
}
