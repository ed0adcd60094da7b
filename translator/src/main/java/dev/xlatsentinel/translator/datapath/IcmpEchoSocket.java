package dev.xlatsentinel.translator.datapath;

import dev.xlatsentinel.platform.libc.Libc;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.sched.RealtimeThreads;
import dev.xlatsentinel.platform.time.Durations;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.byref.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A raw ICMPv6 socket for echo probes, opened in a given network namespace, with one
 * receiver thread that matches replies and quoted errors to pending requests by identifier
 * and sequence number. No process is forked per probe.
 *
 * <p>A raw socket sees every ICMPv6 message of its namespace; an ICMP6_FILTER (RFC 3542
 * §3.2) passes only echo replies and the four error types, and a random identifier per
 * socket keeps several sockets in one namespace apart. Pending requests are bounded
 * ({@value #MAX_PENDING}); the caller ends each one with {@link #forget(int)} or by its
 * timeout handling.
 */
public final class IcmpEchoSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IcmpEchoSocket.class);
    private static final Libc C = Libc.INSTANCE;
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int MAX_PENDING = 4096;
    private static final int ICMP6_FILTER = 1;
    private static final int ICMP_FILTER = 1;
    private static final int SOL_RAW = 255;
    private static final int SOCKADDR_IN6 = 28;
    private static final int SOCKADDR_IN = 16;
    private static final int POLL_MILLIS = 100;
    /** How long a timed-out request is remembered, so that its late answer still counts. */
    private static final long LATE_NANOS = 10_000_000_000L;
    private static final int MAX_LATE = 4096;

    private final int fd;
    private final int id;
    private final String where;
    private final AtomicInteger seq = new AtomicInteger(RANDOM.nextInt(0x10000));
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    /** Timed-out requests by sequence number: when each was sent. */
    private final Map<Integer, Long> late = new ConcurrentHashMap<>();
    private final boolean ipv4;
    private final Thread receiver;
    private volatile ReplyListener listener = (rtt, late) -> { };
    private volatile boolean closed;

    private record Pending(long sentNanos, CompletableFuture<EchoOutcome> future) {
    }

    /** Told of every echo reply that matches a request of this socket, in time or late. */
    @FunctionalInterface
    public interface ReplyListener {
        void reply(Duration rtt, boolean late);
    }

    private IcmpEchoSocket(int fd, String where, boolean ipv4, RealtimeThreads realtime) {
        this.ipv4 = ipv4;
        this.fd = fd;
        this.id = RANDOM.nextInt(0x10000);
        this.where = where;
        // The receiver completes a round with the answer that decides it.
        this.receiver = new Thread(() -> {
            realtime.raiseCurrentThread();
            receiveLoop();
        }, "icmp6-rx-" + where);
        receiver.setDaemon(true);
        receiver.start();
    }

    /**
     * Opens the socket in {@code ns} (on its thread), bound to {@code source} if not null.
     *
     * @throws IOException naming the failed call and errno (e.g. EPERM without CAP_NET_RAW)
     */
    public static IcmpEchoSocket open(NetworkNamespace ns, Inet6Address source) throws IOException {
        return open(ns, source, RealtimeThreads.OFF);
    }

    /** As {@link #open(NetworkNamespace, Inet6Address)}, the receiver thread raised by {@code realtime}. */
    public static IcmpEchoSocket open(NetworkNamespace ns, Inet6Address source, RealtimeThreads realtime)
            throws IOException {
        try {
            int fd = ns.call(() -> openHere(source)).join();
            return new IcmpEchoSocket(fd, ns.name(), false, realtime);
        } catch (java.util.concurrent.CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot open ICMPv6 socket in " + ns + ": " + c, c);
        }
    }

    /**
     * Opens a raw IPv4 ICMP socket in {@code ns}, for echoes sent natively (without
     * translation) from the gateway; the same matching, timeouts and late answers.
     */
    public static IcmpEchoSocket openIpv4(NetworkNamespace ns) throws IOException {
        return openIpv4(ns, RealtimeThreads.OFF);
    }

    /** As {@link #openIpv4(NetworkNamespace)}, the receiver thread raised by {@code realtime}. */
    public static IcmpEchoSocket openIpv4(NetworkNamespace ns, RealtimeThreads realtime) throws IOException {
        try {
            int fd = ns.call(IcmpEchoSocket::openIpv4Here).join();
            return new IcmpEchoSocket(fd, ns.name(), true, realtime);
        } catch (java.util.concurrent.CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot open ICMP socket in " + ns + ": " + c, c);
        }
    }

    private static int openIpv4Here() throws IOException {
        int fd = C.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.IPPROTO_ICMP);
        if (fd < 0) {
            throw new IOException("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): " + Libc.lastError()
                    + " (needs CAP_NET_RAW)");
        }
        // ICMP_FILTER (raw(7)): a set bit blocks the type; pass replies and the errors.
        int mask = ~((1 << Icmp4.ECHO_REPLY) | (1 << Icmp4.DEST_UNREACHABLE) | (1 << Icmp4.TIME_EXCEEDED)
                | (1 << Icmp4.PARAMETER_PROBLEM));
        byte[] filter = {(byte) mask, (byte) (mask >>> 8), (byte) (mask >>> 16), (byte) (mask >>> 24)};
        if (C.setsockopt(fd, SOL_RAW, ICMP_FILTER, filter, filter.length) != 0) {
            String err = Libc.lastError();
            C.close(fd);
            throw new IOException("setsockopt(ICMP_FILTER): " + err);
        }
        return fd;
    }

    static byte[] sockaddr4(java.net.Inet4Address a) {
        byte[] sa = new byte[SOCKADDR_IN];
        sa[0] = (byte) Libc.AF_INET; // sa_family, host order
        System.arraycopy(a.getAddress(), 0, sa, 4, 4);
        return sa;
    }

    /** Every reply that matches a request of this socket, in time or late, is told to {@code l}. */
    public void onReply(ReplyListener l) {
        this.listener = l;
    }

    private static int openHere(Inet6Address source) throws IOException {
        int fd = C.socket(Libc.AF_INET6, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.IPPROTO_ICMPV6);
        if (fd < 0) {
            throw new IOException("socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6): " + Libc.lastError()
                    + " (needs CAP_NET_RAW)");
        }
        byte[] filter = new byte[32];
        java.util.Arrays.fill(filter, (byte) 0xff);
        for (int type : new int[] {Icmp6.ECHO_REPLY, Icmp6.DEST_UNREACHABLE, Icmp6.PACKET_TOO_BIG,
                Icmp6.TIME_EXCEEDED, Icmp6.PARAMETER_PROBLEM}) {
            // Linux: a set bit blocks the type; words are host-order u32.
            filter[(type >> 5) * 4 + ((type & 31) >> 3)] &= (byte) ~(1 << (type & 7));
        }
        if (C.setsockopt(fd, Libc.IPPROTO_ICMPV6, ICMP6_FILTER, filter, filter.length) != 0) {
            String err = Libc.lastError();
            C.close(fd);
            throw new IOException("setsockopt(ICMP6_FILTER): " + err);
        }
        if (source != null) {
            byte[] sa = sockaddr(source);
            if (C.bind(fd, sa, sa.length) != 0) {
                String err = Libc.lastError();
                C.close(fd);
                throw new IOException("cannot bind ICMPv6 socket to " + IpAddresses.text(source) + ": " + err);
            }
        }
        return fd;
    }

    static byte[] sockaddr(Inet6Address a) {
        byte[] sa = new byte[SOCKADDR_IN6];
        sa[0] = (byte) Libc.AF_INET6; // sa_family is host order (little-endian here)
        System.arraycopy(a.getAddress(), 0, sa, 8, 16);
        int scope = a.getScopeId();
        sa[24] = (byte) scope;
        sa[25] = (byte) (scope >>> 8);
        sa[26] = (byte) (scope >>> 16);
        sa[27] = (byte) (scope >>> 24);
        return sa;
    }

    /**
     * Sends one echo request to {@code dst}. The future completes with the reply or an error
     * quoting the request, or at once with SEND_ERROR; it does not time out by itself: the
     * caller completes it with TIMEOUT (use {@link #timeout(Duration)}) or calls {@link #forget(int)}.
     */
    public Echo send(InetAddress dst) {
        CompletableFuture<EchoOutcome> f = new CompletableFuture<>();
        if (closed) {
            f.complete(new EchoOutcome(EchoOutcome.Kind.SEND_ERROR, null, "socket closed", Duration.ZERO));
            return new Echo(-1, f);
        }
        if (pending.size() >= MAX_PENDING) {
            f.complete(new EchoOutcome(EchoOutcome.Kind.SEND_ERROR, null, "too many echo requests pending",
                    Duration.ZERO));
            return new Echo(-1, f);
        }
        int s = seq.getAndIncrement() & 0xffff;
        long now = System.nanoTime();
        pending.put(s, new Pending(now, f));
        f.whenComplete((o, e) -> {
            pending.remove(s);
            if (o != null && o.kind() == EchoOutcome.Kind.TIMEOUT) {
                rememberLate(s, now);
            }
        });
        byte[] pkt = ipv4 ? Icmp4.echoRequest(id, s, now) : Icmp6.echoRequest(id, s, now);
        byte[] sa = ipv4 ? sockaddr4((java.net.Inet4Address) dst) : sockaddr((Inet6Address) dst);
        long n = C.sendto(fd, pkt, pkt.length, Libc.MSG_DONTWAIT, sa, sa.length);
        if (n < 0) {
            int errno = Libc.lastErrno();
            f.complete(new EchoOutcome(EchoOutcome.Kind.SEND_ERROR, null, "send failed: " + Libc.lastError(),
                    Duration.ZERO, localErrno(errno)));
        }
        return new Echo(s, f);
    }

    /** One request in flight. */
    public record Echo(int seq, CompletableFuture<EchoOutcome> outcome) {
    }

    /** The outcome to complete a request with when its time is up. */
    public static EchoOutcome timeout(Duration after) {
        return new EchoOutcome(EchoOutcome.Kind.TIMEOUT, null, "timed out after "
                + Durations.format(after), after);
    }

    /** The gateway itself cannot send there: no route, network or link down (ip(7), raw(7) errors). */
    private static boolean localErrno(int errno) {
        return errno == Libc.ENETUNREACH || errno == Libc.EHOSTUNREACH || errno == Libc.ENETDOWN
                || errno == Libc.EINVAL;
    }

    private void rememberLate(int s, long sentNanos) {
        if (late.size() >= MAX_LATE) {
            long now = System.nanoTime();
            late.values().removeIf(t -> now - t > LATE_NANOS);
            if (late.size() >= MAX_LATE) {
                return;
            }
        }
        late.put(s, sentNanos);
    }

    /**
     * Reads every answer already waiting in the socket, on the caller's thread. Called just
     * before requests are declared timed out: on a busy machine the receiver thread may not
     * have had a CPU yet, and an answer that arrived in time must not count as lost.
     */
    public void drainNow() {
        byte[] buf = new byte[1500];
        byte[] from = new byte[SOCKADDR_IN6];
        while (!closed) {
            IntByReference fromLen = new IntByReference(from.length);
            long n = C.recvfrom(fd, buf, buf.length, Libc.MSG_DONTWAIT, from, fromLen);
            if (n < 0) {
                return;
            }
            handle(buf, (int) n, from, System.nanoTime());
        }
    }

    /** Drops a pending request (its future is left as it is). */
    public void forget(int s) {
        pending.remove(s);
    }

    int pendingCount() {
        return pending.size();
    }

    private void receiveLoop() {
        byte[] pfd = new byte[8];
        pfd[0] = (byte) fd;
        pfd[1] = (byte) (fd >>> 8);
        pfd[2] = (byte) (fd >>> 16);
        pfd[3] = (byte) (fd >>> 24);
        pfd[4] = (byte) Libc.POLLIN;
        byte[] buf = new byte[1500];
        byte[] from = new byte[SOCKADDR_IN6];
        try {
            while (!closed) {
                pfd[6] = 0;
                pfd[7] = 0;
                int r = C.poll(pfd, 1, POLL_MILLIS);
                if (r < 0 && Libc.lastErrno() != Libc.EINTR) {
                    LOG.error("poll on ICMPv6 socket in {} failed: {}", where, Libc.lastError());
                    return;
                }
                if (r <= 0) {
                    continue;
                }
                while (!closed) {
                    IntByReference fromLen = new IntByReference(SOCKADDR_IN6);
                    long n = C.recvfrom(fd, buf, buf.length, Libc.MSG_DONTWAIT, from, fromLen);
                    if (n < 0) {
                        break; // EAGAIN: drained
                    }
                    long now = System.nanoTime();
                    handle(buf, (int) n, from, now);
                }
            }
        } finally {
            C.close(fd);
            for (Pending p : pending.values()) {
                p.future().complete(new EchoOutcome(EchoOutcome.Kind.SEND_ERROR, null, "socket closed", Duration.ZERO));
            }
        }
    }

    private void handle(byte[] buf, int len, byte[] from, long now) {
        Icmp6.Parsed m = ipv4 ? Icmp4.parse(buf, len) : Icmp6.parse(buf, len);
        if (m == null || m.id() != id) {
            return;
        }
        Pending p = pending.get(m.seq());
        if (p == null) {
            // Late: already timed out. Still an answer through this path, and its latency counts.
            Long sent = m.isReply() ? late.remove(m.seq()) : null;
            if (sent != null) {
                listener.reply(Duration.ofNanos(now - sent), true);
            }
            return;
        }
        InetAddress src = ipv4 ? fromAddress4(from) : fromAddress(from);
        Duration rtt = Duration.ofNanos(now - p.sentNanos());
        if (m.isReply()) {
            if (p.future().complete(new EchoOutcome(EchoOutcome.Kind.REPLY, src, "", rtt))) {
                listener.reply(rtt, false);
            }
        } else {
            String what = m.type() >= 1000 ? Icmp4.describe(m.type() - 1000, m.code())
                    : Icmp6.describe(m.type(), m.code());
            p.future().complete(new EchoOutcome(EchoOutcome.Kind.ICMP_ERROR, src,
                    what + " from " + IpAddresses.text(src), rtt));
        }
    }

    private static InetAddress fromAddress4(byte[] sa) {
        byte[] a = new byte[4];
        System.arraycopy(sa, 4, a, 0, 4);
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress fromAddress(byte[] sa) {
        byte[] a = new byte[16];
        System.arraycopy(sa, 8, a, 0, 16);
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the receiver (within {@value #POLL_MILLIS} ms) and closes the socket; pending requests fail. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "ICMPv6 echo socket in " + where + " id " + id;
    }
}
