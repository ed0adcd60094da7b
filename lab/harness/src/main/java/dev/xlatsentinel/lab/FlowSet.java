package dev.xlatsentinel.lab;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Many concurrent UDP flows through the NAT64, each counted on its own: what a stateful
 * translator's users see when routes move. A flow is one client socket (its own source port)
 * talking to one IPv4 target's NAT64 address; every flow sends a numbered datagram every
 * {@code interval}, the flows spread evenly over it, for a bounded number of rounds. The
 * server's echo ({@link #echo}) answers each datagram with the IPv4 source it saw, which
 * names the gateway and translator instance that translated it (each has its own pool).
 *
 * <p>Payload (16 bytes): flow id, sequence number, the echo's checksum word, the client's
 * checksum word, the IPv4 source the echo saw. TAYGA 0.9.2 writes UDP checksum 0x0000 where
 * RFC 768 wants 0xFFFF on its IPv4-to-IPv6 path, and the client's kernel drops such answers
 * (docs/failover.md): one answer in 65 535. The echo keeps the payload's one's-complement sum
 * unchanged when it writes the source in, and the client chooses its word so that every
 * answer's checksum is the same non-zero value, so no answer is lost to that bug and every
 * loss counted here is the network's.
 */
public final class FlowSet {
    public static final int PORT = 7;
    /**
     * An answer later than this is late: as in {@link UdpStream}, of no use to an application
     * and part of an outage, but not lost (a starved machine delays answers it still gets).
     */
    public static final long MAX_DELAY_MICROS = UdpStream.MAX_DELAY_MICROS;
    private static final int LEN = 16;
    /** The one's-complement sum every answer carries: its checksum is then ~0x5a5a, never zero. */
    static final int ANSWER_SUM = 0x5a5a;
    /** Bounds: a test's traffic stays small and short. */
    public static final int MAX_FLOWS = 4096;
    public static final int MAX_ROUNDS = 100_000;

    /**
     * @param targets6       the IPv4 targets' NAT64 addresses
     * @param portsPerTarget source ports (client sockets) per target: flows = targets x ports
     * @param interval       each flow's spacing
     * @param rounds         datagrams per flow
     * @param tail           how long to wait for late answers after the last send
     */
    public record Spec(List<String> targets6, int portsPerTarget, Duration interval, int rounds, Duration tail) {
        public Spec {
            targets6 = List.copyOf(targets6);
            int flows = targets6.size() * portsPerTarget;
            if (flows < 1 || flows > MAX_FLOWS || rounds < 1 || rounds > MAX_ROUNDS || interval.isNegative()
                    || interval.isZero() || interval.multipliedBy(rounds).compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("1-" + MAX_FLOWS + " flows, 1-" + MAX_ROUNDS
                        + " rounds, a positive interval, at most 10 minutes");
            }
        }

        public int flows() {
            return targets6.size() * portsPerTarget;
        }

        public Duration duration() {
            return interval.multipliedBy(rounds);
        }
    }

    /** One flow: its id, its target and its client socket's source port. */
    public record Flow(int id, String target6, int sourcePort) {
    }

    /** What happened to each datagram of one flow: sent at, answered at (0: never), via which IPv4 source. */
    public record FlowResult(Flow flow, long[] sentMicros, long[] answeredMicros, String[] via) {
        public int count() {
            return sentMicros.length;
        }

        /** An answer came back, however late. */
        public boolean answered(int seq) {
            return answeredMicros[seq] != 0;
        }

        /** An answer came back within {@link #MAX_DELAY_MICROS}. */
        public boolean onTime(int seq) {
            return answered(seq) && answeredMicros[seq] - sentMicros[seq] <= MAX_DELAY_MICROS;
        }

        /** Datagrams never answered. */
        public int lost() {
            int n = 0;
            for (long a : answeredMicros) {
                if (a == 0) {
                    n++;
                }
            }
            return n;
        }
    }

    /** The flows in progress. */
    public static final class Handle {
        private final Thread thread;
        private final AtomicInteger rounds = new AtomicInteger();
        private final CompletableFuture<List<FlowResult>> result = new CompletableFuture<>();
        private final Duration bound;

        private Handle(Runnable body, Duration bound) {
            this.thread = new Thread(body, "flowset-tx");
            this.thread.setDaemon(true);
            this.bound = bound;
        }

        /** Rounds completed so far (each flow sent that many datagrams). */
        public int rounds() {
            return rounds.get();
        }

        /** Waits for the end (duration + tail, and a minute for a slow machine) and returns every flow's datagrams. */
        public List<FlowResult> await() {
            try {
                return result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re
                        : new LabException("flows failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new LabException("flows did not end within " + bound, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted waiting for the flows", e);
            }
        }
    }

    private FlowSet() {
    }

    /**
     * Opens {@code spec.portsPerTarget()} sockets on {@code clientAddress} in {@code client}
     * and starts the flows on their own threads.
     */
    public static Handle start(Netns client, String clientAddress, Spec spec) {
        List<DatagramChannel> sockets = new ArrayList<>();
        List<Flow> flows = new ArrayList<>();
        try {
            for (int s = 0; s < spec.portsPerTarget(); s++) {
                sockets.add(client.call(() -> {
                    DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET6);
                    c.bind(new InetSocketAddress(InetAddress.getByName(clientAddress), 0));
                    c.configureBlocking(false);
                    return c;
                }));
            }
            for (int t = 0; t < spec.targets6().size(); t++) {
                for (int s = 0; s < sockets.size(); s++) {
                    int port = ((InetSocketAddress) sockets.get(s).getLocalAddress()).getPort();
                    flows.add(new Flow(flows.size(), spec.targets6().get(t), port));
                }
            }
        } catch (IOException | RuntimeException e) {
            sockets.forEach(FlowSet::closeQuietly);
            throw new LabException("cannot open the flows' sockets: " + e, e);
        }
        Handle[] h = new Handle[1];
        h[0] = new Handle(() -> {
            try {
                h[0].result.complete(run(clientAddress, spec, flows, sockets, h[0].rounds));
            } catch (RuntimeException e) {
                h[0].result.completeExceptionally(e);
            } finally {
                sockets.forEach(FlowSet::closeQuietly);
            }
        }, spec.duration().plus(spec.tail()).plusMinutes(1));
        h[0].thread.start();
        return h[0];
    }

    private static List<FlowResult> run(String clientAddress, Spec spec, List<Flow> flows,
            List<DatagramChannel> sockets, AtomicInteger roundsDone) {
        int n = flows.size();
        int rounds = spec.rounds();
        AtomicLongArray sent = new AtomicLongArray(n * rounds);
        long[] answered = new long[n * rounds];
        String[] via = new String[n * rounds];
        InetSocketAddress[] to = new InetSocketAddress[n];
        byte[] client6;
        try {
            client6 = InetAddress.getByName(clientAddress).getAddress();
            for (Flow f : flows) {
                to[f.id()] = new InetSocketAddress(InetAddress.getByName(f.target6()), PORT);
            }
        } catch (IOException e) {
            throw new LabException("bad address: " + e.getMessage(), e);
        }
        Selector selector;
        try {
            selector = Selector.open();
            for (int s = 0; s < sockets.size(); s++) {
                sockets.get(s).register(selector, SelectionKey.OP_READ, s);
            }
        } catch (IOException e) {
            throw new LabException("cannot watch the flows' sockets", e);
        }
        Thread receiver = new Thread(() -> receive(selector, flows, sockets.size(), to, rounds, sent, answered, via),
                "flowset-rx");
        receiver.setDaemon(true);
        receiver.start();
        try {
            ByteBuffer out = ByteBuffer.allocate(LEN);
            long start = System.nanoTime();
            long step = spec.interval().toNanos() / n;
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < n; i++) {
                    long due = start + (long) r * spec.interval().toNanos() + i * step;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    Flow f = flows.get(i);
                    out.clear();
                    out.putInt(f.id()).putInt(r).putShort((short) 0)
                            .putShort((short) clientWord(to[i].getAddress().getAddress(), client6, f.sourcePort(),
                                    f.id(), r))
                            .putInt(0).flip();
                    sent.set(i * rounds + r, UdpStream.nowMicros());
                    try {
                        sockets.get(i % sockets.size()).send(out, to[i]);
                    } catch (IOException e) {
                        // No route, or an ICMP error queued on the socket: lost like any other.
                    }
                }
                roundsDone.incrementAndGet();
            }
            long until = System.nanoTime() + spec.tail().toNanos();
            while (System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
        } finally {
            receiver.interrupt();
            try {
                selector.close();
                receiver.join(2000);
            } catch (IOException e) {
                // closing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<FlowResult> results = new ArrayList<>(n);
        for (Flow f : flows) {
            long[] s = new long[rounds];
            long[] a = new long[rounds];
            String[] v = new String[rounds];
            for (int r = 0; r < rounds; r++) {
                s[r] = sent.get(f.id() * rounds + r);
                a[r] = answered[f.id() * rounds + r];
                v[r] = via[f.id() * rounds + r];
            }
            results.add(new FlowResult(f, s, a, v));
        }
        return results;
    }

    private static void receive(Selector selector, List<Flow> flows, int sockets, InetSocketAddress[] to, int rounds,
            AtomicLongArray sent, long[] answered, String[] via) {
        ByteBuffer in = ByteBuffer.allocate(64);
        byte[] v4 = new byte[4];
        while (selector.isOpen() && !Thread.currentThread().isInterrupted()) {
            try {
                selector.select(100);
                for (SelectionKey k : selector.selectedKeys()) {
                    DatagramChannel ch = (DatagramChannel) k.channel();
                    int socket = (Integer) k.attachment();
                    InetSocketAddress from;
                    while ((from = receiveOne(ch, in)) != null) {
                        long now = UdpStream.nowMicros();
                        if (in.position() < LEN) {
                            continue;
                        }
                        int id = in.getInt(0);
                        int seq = in.getInt(4);
                        if (id < 0 || id >= flows.size() || id % sockets != socket || seq < 0 || seq >= rounds
                                || !from.getAddress().equals(to[id].getAddress())) {
                            continue;
                        }
                        int slot = id * rounds + seq;
                        if (answered[slot] != 0 || sent.get(slot) == 0) {
                            continue;
                        }
                        in.position(12);
                        in.get(v4);
                        via[slot] = InetAddress.getByAddress(v4).getHostAddress();
                        answered[slot] = now;
                    }
                }
                selector.selectedKeys().clear();
            } catch (java.nio.channels.ClosedSelectorException e) {
                return;
            } catch (IOException e) {
                if (!selector.isOpen()) {
                    return;
                }
            }
        }
    }

    private static InetSocketAddress receiveOne(DatagramChannel ch, ByteBuffer in) {
        in.clear();
        try {
            return (InetSocketAddress) ch.receive(in);
        } catch (IOException e) {
            // An ICMP error surfaced on this socket: the datagram it was about is lost anyway.
            return null;
        }
    }

    // ------------------------------------------------------------------ checksum

    /**
     * The client's checksum word for datagram {@code seq} of a flow: the answer (from
     * {@code target6} port {@value #PORT} to {@code client6} port {@code clientPort}, 16
     * bytes, the echo's words summing to zero) then has one's-complement sum
     * {@value #ANSWER_SUM}, so its UDP checksum is never zero (RFC 768, RFC 8200 §8.1).
     */
    static int clientWord(byte[] target6, byte[] client6, int clientPort, int flowId, int seq) {
        long sum = 0;
        sum += words(target6) + words(client6);
        sum += LEN + 8; // upper-layer length
        sum += 17; // next header: UDP
        sum += PORT + clientPort + LEN + 8; // ports and UDP length (checksum field counts as zero)
        sum += (flowId >>> 16) + (flowId & 0xffff) + (seq >>> 16) + (seq & 0xffff);
        int partial = fold(sum);
        // word + partial == ANSWER_SUM (one's complement): word = ANSWER_SUM - partial.
        return fold(ANSWER_SUM + (~partial & 0xffff));
    }

    /** The echo's word: the one's-complement negative of the IPv4 address it writes into the payload. */
    static int echoWord(byte[] ipv4) {
        return ~fold(words(ipv4)) & 0xffff;
    }

    /** The one's-complement sum of a UDP datagram's pseudo-header, header and payload (RFC 8200 §8.1). */
    static int sum(byte[] src6, byte[] dst6, int srcPort, int dstPort, byte[] payload) {
        long sum = words(src6) + words(dst6) + payload.length + 8 + 17 + srcPort + dstPort + payload.length + 8;
        return fold(sum + words(payload));
    }

    private static long words(byte[] b) {
        long s = 0;
        for (int i = 0; i + 1 < b.length; i += 2) {
            s += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (b.length % 2 == 1) {
            s += (b[b.length - 1] & 0xff) << 8;
        }
        return s;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    // ------------------------------------------------------------------ echo

    /** The echo server: answers each flow datagram with the IPv4 source it saw; runs until closed. */
    public static final class Echo implements AutoCloseable {
        private final DatagramChannel channel;
        private final Thread thread;

        private Echo(DatagramChannel channel) {
            this.channel = channel;
            this.thread = new Thread(this::loop, "flowset-echo");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (channel.isOpen()) {
                try {
                    buf.clear();
                    InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                    if (from == null || buf.position() != LEN || !(from.getAddress() instanceof Inet4Address)) {
                        continue;
                    }
                    byte[] source = from.getAddress().getAddress();
                    buf.putShort(8, (short) echoWord(source));
                    buf.position(12);
                    buf.put(source);
                    buf.flip();
                    channel.send(buf, from);
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            closeQuietly(channel);
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts an echo on UDP port {@value #PORT} of {@code address} in {@code server}; the lab
     * closes it. One per address, bound to it, so answers leave from the address asked.
     */
    public static Echo echo(Netns server, String address) {
        DatagramChannel ch = server.call(() -> {
            DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET);
            c.bind(new InetSocketAddress(InetAddress.getByName(address), PORT));
            return c;
        });
        return server.lab().register(new Echo(ch));
    }

    /** The NAT64 address of {@code ipv4} under a /96 prefix ({@code 64:ff9b::/96} -> 64:ff9b::a.b.c.d). */
    public static String nat64(String prefix96, String ipv4) {
        try {
            byte[] p = InetAddress.getByName(prefix96.substring(0, prefix96.indexOf('/'))).getAddress();
            byte[] v4 = InetAddress.getByName(ipv4).getAddress();
            System.arraycopy(v4, 0, p, 12, 4);
            return ((Inet6Address) InetAddress.getByAddress(p)).getHostAddress();
        } catch (IOException e) {
            throw new IllegalArgumentException(prefix96 + " " + ipv4, e);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing
        }
    }
}
