package dev.xlatsentinel.lab;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded, precisely spaced UDP stream through the NAT64, to measure what traffic sees:
 * the client (in an IPv6-only namespace) sends one numbered datagram every {@code spacing}
 * to an IPv4 target's NAT64 address; an echo server (in the IPv4 namespace) answers each
 * with the IPv4 source it saw, which names the gateway that translated it. The stream
 * stops by itself after {@code count} datagrams; answers are awaited for a short tail.
 *
 * <p>Time is wall-clock microseconds (as {@code ip -ts monitor} prints), so a timeline can
 * line up events from the stream, daemons' logs and route monitors.
 */
public final class UdpStream {
    public static final int PORT = 9;
    /**
     * An answer later than this counts as lost: a datagram that sat in a frozen translator's
     * queue for a second is of no use to an application (and would hide the outage).
     */
    public static final long MAX_DELAY_MICROS = 100_000;
    private static final int LEN = 16;

    /** What happened to one datagram: sent at, answered at (0 if never), via which pool address. */
    public record Packet(int seq, long sentMicros, long answeredMicros, String via) {
        public boolean delivered() {
            return answeredMicros != 0;
        }
    }

    /** A run of consecutive lost datagrams. */
    public record Gap(int firstLostSeq, int lostCount, long startMicros, long endMicros) {
        public Duration duration() {
            return Duration.ofNanos((endMicros - startMicros) * 1000);
        }
    }

    /** The echo server: runs until closed. */
    public static final class Echo implements AutoCloseable {
        private final DatagramChannel channel;
        private final Thread thread;

        private Echo(DatagramChannel channel) {
            this.channel = channel;
            this.thread = new Thread(this::loop, "udp-echo");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (channel.isOpen()) {
                try {
                    buf.clear();
                    InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                    if (from == null || buf.position() < LEN || !(from.getAddress() instanceof Inet4Address)) {
                        continue;
                    }
                    buf.position(LEN - 4);
                    buf.put(from.getAddress().getAddress());
                    buf.flip();
                    channel.send(buf, from);
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
                thread.join(2000);
            } catch (IOException e) {
                // closing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts an echo server on UDP port {@value #PORT} of {@code address} in {@code server};
     * the lab closes it. One per address: a socket bound to the wildcard would answer from
     * the primary address, and the client's connected socket would drop the answer.
     */
    public static Echo echo(Netns server, String address) {
        DatagramChannel ch = server.call(() -> {
            DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET);
            c.bind(new InetSocketAddress(InetAddress.getByName(address), PORT));
            return c;
        });
        return server.lab().register(new Echo(ch));
    }

    private UdpStream() {
    }

    /** A stream in progress: how far it is, and its result once done. */
    public static final class Handle {
        private final Thread sender;
        private final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.CompletableFuture<List<Packet>> result =
                new java.util.concurrent.CompletableFuture<>();
        /** How long the stream may take: count x spacing + tail, and a minute for a slow machine. */
        private final Duration bound;

        private Handle(Runnable body, Duration bound) {
            this.bound = bound;
            this.sender = new Thread(body, "udp-stream-tx");
            sender.setDaemon(true);
        }

        /** Datagrams sent so far. */
        public int sent() {
            return sent.get();
        }

        /** Waits for the end of the stream (count x spacing + tail) and returns every datagram's fate. */
        public List<Packet> await() {
            try {
                return result.get(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re
                        : new LabException("UDP stream failed: " + e.getCause(), e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new LabException("UDP stream did not end within " + bound, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted waiting for the UDP stream", e);
            }
        }
    }

    /**
     * Sends {@code count} datagrams from {@code client} to {@code target6}, one every
     * {@code spacing}, then waits {@code tail} for late answers, and returns every datagram's fate.
     * Blocks for about count x spacing + tail.
     */
    public static List<Packet> run(Netns client, String target6, int count, Duration spacing, Duration tail) {
        return start(client, target6, count, spacing, tail).await();
    }

    /** Starts the stream on its own thread; see {@link #run}. */
    public static Handle start(Netns client, String target6, int count, Duration spacing, Duration tail) {
        if (count <= 0 || count > 10_000_000 || spacing.isNegative() || spacing.isZero()) {
            throw new IllegalArgumentException("count 1..10000000 and a positive spacing");
        }
        DatagramChannel ch = client.call(() -> {
            DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET6);
            c.connect(new InetSocketAddress(InetAddress.getByName(target6), PORT));
            return c;
        });
        Handle[] handle = new Handle[1];
        handle[0] = new Handle(() -> {
            try {
                handle[0].result.complete(stream(ch, count, spacing, tail, handle[0].sent));
            } catch (RuntimeException e) {
                handle[0].result.completeExceptionally(e);
            }
        }, spacing.multipliedBy(count).plus(tail).plusMinutes(1));
        handle[0].sender.start();
        return handle[0];
    }

    private static List<Packet> stream(DatagramChannel ch, int count, Duration spacing, Duration tail,
            java.util.concurrent.atomic.AtomicInteger sentSoFar) {
        // Written by the sender, read by the receiver (to drop late answers): atomic.
        java.util.concurrent.atomic.AtomicLongArray sent = new java.util.concurrent.atomic.AtomicLongArray(count);
        long[] answered = new long[count];
        String[] via = new String[count];
        Thread receiver = new Thread(() -> receive(ch, count, sent, answered, via), "udp-stream-rx");
        receiver.setDaemon(true);
        try (ch) {
            receiver.start();
            ByteBuffer out = ByteBuffer.allocate(LEN);
            long start = System.nanoTime();
            long step = spacing.toNanos();
            for (int seq = 0; seq < count; seq++) {
                long due = start + seq * step;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                out.clear();
                out.putInt(seq).putLong(0).putInt(0).flip();
                sent.set(seq, nowMicros());
                try {
                    ch.write(out);
                } catch (IOException e) {
                    // No route or ICMP error feedback: the datagram is lost like any other.
                }
                sentSoFar.incrementAndGet();
            }
            receiver.join(tail.toMillis() + 200);
        } catch (IOException e) {
            throw new LabException("UDP stream failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted during the UDP stream", e);
        } finally {
            receiver.interrupt();
        }
        try {
            // The channel is closed: the receiver ends; joining it makes its writes visible here.
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Packet> packets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            packets.add(new Packet(i, sent.get(i), answered[i], via[i]));
        }
        return packets;
    }

    private static void receive(DatagramChannel ch, int count, java.util.concurrent.atomic.AtomicLongArray sent,
            long[] answered, String[] via) {
        ByteBuffer in = ByteBuffer.allocate(64);
        byte[] v4 = new byte[4];
        int got = 0;
        // Stops when every datagram is answered, or when the channel closes after the tail.
        while (got < count && ch.isOpen()) {
            try {
                in.clear();
                int n = ch.read(in);
                long now = nowMicros();
                if (n < LEN) {
                    continue;
                }
                in.flip();
                int seq = in.getInt(0);
                if (seq < 0 || seq >= count || answered[seq] != 0 || sent.get(seq) == 0
                        || now - sent.get(seq) > MAX_DELAY_MICROS) {
                    continue;
                }
                in.position(LEN - 4);
                in.get(v4);
                via[seq] = InetAddress.getByAddress(v4).getHostAddress();
                answered[seq] = now;
                got++;
            } catch (IOException e) {
                if (!ch.isOpen()) {
                    return;
                }
                // ICMP errors surface as PortUnreachable etc. on a connected channel: keep reading.
            }
        }
    }

    /** Wall-clock microseconds since the epoch. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Runs of consecutive lost datagrams, longest first. */
    public static List<Gap> gaps(List<Packet> packets) {
        List<Gap> gaps = new ArrayList<>();
        int i = 0;
        while (i < packets.size()) {
            if (packets.get(i).delivered()) {
                i++;
                continue;
            }
            int first = i;
            while (i < packets.size() && !packets.get(i).delivered()) {
                i++;
            }
            long start = packets.get(first).sentMicros();
            // The outage lasts until the next datagram that got through was sent (or the stream ended).
            long end = i < packets.size() ? packets.get(i).sentMicros() : packets.get(i - 1).sentMicros();
            gaps.add(new Gap(first, i - first, start, end));
        }
        gaps.sort((a, b) -> Long.compare(b.endMicros() - b.startMicros(), a.endMicros() - a.startMicros()));
        return gaps;
    }

    public static long lost(List<Packet> packets) {
        return packets.stream().filter(p -> !p.delivered()).count();
    }

    /** The first delivered datagram sent at or after {@code sinceMicros} whose source was in {@code viaPrefix}. */
    public static Packet firstVia(List<Packet> packets, String viaPrefix, long sinceMicros) {
        for (Packet p : packets) {
            if (p.delivered() && p.sentMicros() >= sinceMicros && p.via() != null && p.via().startsWith(viaPrefix)) {
                return p;
            }
        }
        return null;
    }
}
