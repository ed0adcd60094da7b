package dev.xlatsentinel.translator.datapath;

import dev.xlatsentinel.platform.libc.Libc;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
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
    private static final int SOCKADDR_IN6 = 28;
    private static final int POLL_MILLIS = 100;

    private final int fd;
    private final int id;
    private final String where;
    private final AtomicInteger seq = new AtomicInteger(RANDOM.nextInt(0x10000));
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Thread receiver;
    private volatile boolean closed;

    private record Pending(long sentNanos, CompletableFuture<EchoOutcome> future) {
    }

    private IcmpEchoSocket(int fd, String where) {
        this.fd = fd;
        this.id = RANDOM.nextInt(0x10000);
        this.where = where;
        this.receiver = new Thread(this::receiveLoop, "icmp6-rx-" + where);
        receiver.setDaemon(true);
        receiver.start();
    }

    /**
     * Opens the socket in {@code ns} (on its thread), bound to {@code source} if not null.
     *
     * @throws IOException naming the failed call and errno (e.g. EPERM without CAP_NET_RAW)
     */
    public static IcmpEchoSocket open(NetworkNamespace ns, Inet6Address source) throws IOException {
        try {
            int fd = ns.call(() -> openHere(source)).join();
            return new IcmpEchoSocket(fd, ns.name());
        } catch (java.util.concurrent.CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot open ICMPv6 socket in " + ns + ": " + c, c);
        }
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
    public Echo send(Inet6Address dst) {
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
        f.whenComplete((o, e) -> pending.remove(s));
        byte[] pkt = Icmp6.echoRequest(id, s, now);
        byte[] sa = sockaddr(dst);
        long n = C.sendto(fd, pkt, pkt.length, Libc.MSG_DONTWAIT, sa, sa.length);
        if (n < 0) {
            f.complete(new EchoOutcome(EchoOutcome.Kind.SEND_ERROR, null, "send failed: " + Libc.lastError(),
                    Duration.ZERO));
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
        Icmp6.Parsed m = Icmp6.parse(buf, len);
        if (m == null || m.id() != id) {
            return;
        }
        Pending p = pending.get(m.seq());
        if (p == null) {
            return; // late: already timed out
        }
        InetAddress src = fromAddress(from);
        Duration rtt = Duration.ofNanos(now - p.sentNanos());
        if (m.isReply()) {
            p.future().complete(new EchoOutcome(EchoOutcome.Kind.REPLY, src, "", rtt));
        } else {
            p.future().complete(new EchoOutcome(EchoOutcome.Kind.ICMP_ERROR, src,
                    Icmp6.describe(m.type(), m.code()) + " from " + IpAddresses.text(src), rtt));
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
