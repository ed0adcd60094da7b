package dev.xlatsentinel.bfd.transport;

import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.ReceiveQueue;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.session.PacketSink;
import dev.xlatsentinel.bfd.session.Session;
import dev.xlatsentinel.bfd.session.WireAddress;
import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.libc.Libc;
import dev.xlatsentinel.platform.net.IpAddresses;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BFD over UDP on Netty's epoll event loop (RFC 5881 single hop on 3784, RFC 5883 multihop
 * on 4784).
 *
 * <ul>
 *   <li>Receive: per (address family, port) a pair of {@link ReceiveSocket}s, shared by every
 *       session of the engine, bound to the wildcard address, read with recvmmsg(2) without
 *       an allocation per packet; they report the destination address (IPv4 and IPv6) and the
 *       TTL / hop limit of each datagram. A {@link PeerSteering} program puts each datagram
 *       in the peers' queue when it comes from a configured peer with the GTSM TTL (255 for
 *       single hop; for multihop the lowest minimum TTL of the family's multihop sessions,
 *       each session's own minimum being checked in the core), else in the other queue, so
 *       junk never delays a peer's packet. Both queues feed the same core: a peer's packet
 *       that lands in the other queue (before the program knows a new peer) is still handled.</li>
 *   <li>Send: one socket per session, bound to its local address and a source port in
 *       49152-65535 that is unique in the engine and kept for the session's life (RFC 5881
 *       §4), connected to the peer, TTL / hop limit 255, DSCP CS6 unless configured,
 *       SO_BINDTODEVICE when the session names an interface.</li>
 *   <li>Network namespaces: a socket belongs to the namespace it was created in. Every
 *       socket is created (and its interface looked up) on {@code socketExecutor}, which may
 *       be a thread that entered another namespace with setns(2); it is then registered on
 *       the event loop.</li>
 * </ul>
 * Methods marked "blocking" must not run on the event loop.
 */
public final class UdpTransport implements PacketSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    static final int SOURCE_PORT_MIN = 49152;
    static final int SOURCE_PORT_MAX = 65535;
    private static final int PORT_ATTEMPTS = 64;
    private static final long SETUP_TIMEOUT_SECONDS = 10;
    private static final int MAX_DATAGRAM = ReceiveSocket.MAX_DATAGRAM;
    /**
     * The shared receive queue: 2000 sessions at 10 ms bring 200 000 packets a second, and
     * a queue that overflows while the loop is held up (a GC pause, a busy CPU) loses
     * packets that were on time. 4 MB (the kernel doubles it) holds tens of milliseconds.
     */
    private static final int RECEIVE_BUFFER = 4 << 20;
    /** The other queue: small, so a flood overflows in the kernel instead of in our memory. */
    private static final int OTHERS_RECEIVE_BUFFER = 256 << 10;
    /**
     * Changes to the peers are applied to the steering program at most this often: adding 4000
     * sessions must not rebuild and attach a 4000-instruction program 4000 times on the loop.
     * Meanwhile a new peer's packets arrive in the other queue and are still handled.
     */
    private static final long STEERING_DELAY_MILLIS = 10;

    /** Where received datagrams go; called on the event loop (the array and the holders are reused). */
    public interface Receiver {
        /** {@code ttl}: the received TTL / hop limit, -1 when not known. */
        void datagram(byte[] buf, int length, HopMode hop, WireAddress src, WireAddress dst, int ttl);

        /** The end of one read batch: a good moment to re-arm timers. */
        void batchDone();

        /** A send socket reported an error (an ICMP error on a connected socket): count it. */
        void txError(Session s);
    }

    private record RxKey(boolean ipv6, HopMode hop) {
    }

    /**
     * A shared pair of receive sockets (peers' queue, other queue), the peers its sessions
     * talk to (how many sessions each) and, for multihop, the minimum TTLs of its sessions.
     */
    private static final class RxSocket {
        final RxKey key;
        final ReceiveSocket peers;
        final ReceiveSocket others;
        final TreeMap<Integer, Integer> minTtls = new TreeMap<>();
        final Map<InetAddress, Integer> peerAddresses = new java.util.LinkedHashMap<>();
        int appliedMinTtl;
        PeerSteering.Program steering;
        boolean steeringDue;

        RxSocket(RxKey key, ReceiveSocket peers, ReceiveSocket others, int minTtl) {
            this.key = key;
            this.peers = peers;
            this.others = others;
            this.appliedMinTtl = minTtl;
        }
    }

    private final EventLoop loop;
    private final Executor socketExecutor;
    private final Receiver receiver;
    private final Map<RxKey, RxSocket> rx = new ConcurrentHashMap<>();
    private final Set<Integer> usedPorts = ConcurrentHashMap.newKeySet();
    private final ByteBuffer txBuffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final ChannelHandler txErrors = new TxErrorHandler();

    public UdpTransport(EventLoop loop, Executor socketExecutor, Receiver receiver) {
        this.loop = loop;
        this.socketExecutor = socketExecutor;
        this.receiver = receiver;
    }

    /** Blocking: the index of {@code iface} in the transport's namespace. */
    public int ifindex(String iface) {
        return Blocking.call(socketExecutor, () -> {
            int index = Libc.INSTANCE.if_nametoindex(iface);
            if (index == 0) {
                throw new FieldException("iface", "no interface '" + iface + "' in the namespace");
            }
            return index;
        });
    }

    /**
     * Blocking: opens the pair of receive sockets for the session's family and port if needed,
     * steering everything to the other queue until sessions name their peers.
     */
    public synchronized void ensureReceiveSocket(SessionConfig c) {
        boolean ipv6 = c.peer() instanceof Inet6Address;
        RxKey key = new RxKey(ipv6, c.hop());
        if (rx.containsKey(key)) {
            return;
        }
        int minTtl = c.hop() == HopMode.SINGLE_HOP ? 255 : c.minTtl();
        PeerSteering.Program program = PeerSteering.build(ipv6, minTtl, List.of());
        ReceiveSocket[] pair = Blocking.call(socketExecutor, () -> {
            // The peers' queue binds first: it is index 0 of the reuseport group.
            ReceiveSocket peers = ReceiveSocket.open(ipv6, c.hop(), ReceiveSocket.Queue.PEERS, minTtl,
                    RECEIVE_BUFFER, receiver);
            try {
                ReceiveSocket others = ReceiveSocket.open(ipv6, c.hop(), ReceiveSocket.Queue.OTHERS, minTtl,
                        OTHERS_RECEIVE_BUFFER, receiver);
                peers.steer(program);
                return new ReceiveSocket[] {peers, others};
            } catch (RuntimeException e) {
                peers.close();
                throw e;
            }
        });
        try {
            pair[0].register((IoEventLoop) loop);
            pair[1].register((IoEventLoop) loop);
        } catch (RuntimeException e) {
            pair[0].close();
            pair[1].close();
            throw e;
        }
        LOG.info("BFD receiving {} on {}:{} (GTSM minimum TTL {}; configured peers' packets in their own queue)",
                c.hop(), ipv6 ? "[::]" : "0.0.0.0", c.hop().port(), minTtl);
        RxSocket s = new RxSocket(key, pair[0], pair[1], minTtl);
        s.steering = program;
        rx.put(key, s);
    }

    /**
     * Event loop: a session of {@code c} joins its receive sockets: its peer is admitted to
     * the peers' queue; for multihop the GTSM minimum follows the lowest minimum TTL in use.
     */
    public void sessionAdded(SessionConfig c) {
        adjust(c, 1);
    }

    public void sessionRemoved(SessionConfig c) {
        adjust(c, -1);
    }

    private void adjust(SessionConfig c, int delta) {
        RxSocket s = rx.get(new RxKey(c.peer() instanceof Inet6Address, c.hop()));
        if (s == null) {
            return;
        }
        int before = s.peerAddresses.size();
        s.peerAddresses.merge(c.peer(), delta, (a, b) -> a + b == 0 ? null : a + b);
        boolean changed = s.peerAddresses.size() != before;
        if (c.hop() == HopMode.MULTI_HOP) {
            s.minTtls.merge(c.minTtl(), delta, (a, b) -> a + b == 0 ? null : a + b);
            int lowest = s.minTtls.isEmpty() ? 255 : s.minTtls.firstKey();
            if (lowest != s.appliedMinTtl) {
                s.peers.minTtl(lowest);
                s.appliedMinTtl = lowest;
                changed = true;
                LOG.info("BFD multihop {} GTSM minimum TTL now {}", c.peer() instanceof Inet6Address ? "IPv6"
                        : "IPv4", lowest);
            }
        }
        if (changed && !s.steeringDue) {
            s.steeringDue = true;
            loop.schedule(() -> applySteering(s), STEERING_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Event loop: rebuilds and attaches the steering program from the peers now configured. */
    private void applySteering(RxSocket s) {
        s.steeringDue = false;
        if (rx.get(s.key) != s) {
            return;
        }
        List<byte[]> addresses = new java.util.ArrayList<>();
        for (InetAddress a : s.peerAddresses.keySet()) {
            addresses.add(a.getAddress());
        }
        PeerSteering.Program p = PeerSteering.build(s.key.ipv6(), s.appliedMinTtl, addresses);
        try {
            s.peers.steer(p);
        } catch (RuntimeException e) {
            LOG.error("BFD {}: the receive steering program could not be replaced (the previous one stays): {}",
                    s.peers, e.getMessage());
            return;
        }
        if (p.match() != s.steering.match() && p.match() != PeerSteering.Match.EXACT) {
            LOG.warn("BFD {} {}: {} peers, more than a socket program compares exactly: peers' queue admits by {}",
                    s.key.ipv6() ? "IPv6" : "IPv4", s.key.hop(), p.peers(), p.match().label());
        }
        s.steering = p;
        LOG.debug("BFD {} {}: peers' queue admits {} peers ({}, {} instructions)", s.key.ipv6() ? "IPv6" : "IPv4",
                s.key.hop(), p.peers(), p.match().label(), p.length());
    }

    /** Event loop: the receive queues and what they have seen. */
    public List<ReceiveQueue> receiveQueues() {
        List<ReceiveQueue> out = new java.util.ArrayList<>();
        for (RxSocket s : rx.values()) {
            for (ReceiveSocket q : List.of(s.peers, s.others)) {
                out.add(new ReceiveQueue(s.key.ipv6() ? "ipv6" : "ipv4", s.key.hop(), q.queue().label(),
                        s.steering.peers(), s.steering.match().label(), q.received(), q.kernelDrops()));
            }
        }
        out.sort(java.util.Comparator.comparing(ReceiveQueue::family).thenComparing(ReceiveQueue::hop));
        return out;
    }

    /**
     * Blocking: opens a session's send socket: created on the namespace executor, bound to
     * its local address and a fresh source port, connected to the peer. Throws
     * {@link FieldException} (field {@code local}) when the address cannot be used.
     */
    public Channel openSendSocket(SessionConfig c, int ifindex) {
        boolean ipv6 = c.peer() instanceof Inet6Address;
        InetAddress local = scoped(c.local(), ifindex);
        InetSocketAddress remote = new InetSocketAddress(scoped(c.peer(), ifindex), c.hop().port());
        String lastError = "no free source port";
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(SOURCE_PORT_MIN, SOURCE_PORT_MAX + 1);
            if (!usedPorts.add(port)) {
                continue;
            }
            EpollDatagramChannel ch = Blocking.call(socketExecutor, () -> newSendChannel(c, ipv6));
            ch.pipeline().addLast(txErrors);
            try {
                loop.register(ch).syncUninterruptibly();
                ch.bind(new InetSocketAddress(local, port)).syncUninterruptibly();
                ch.connect(remote).syncUninterruptibly();
                return ch;
            } catch (Exception e) {
                // Netty rethrows the native bind/connect error (a checked IOException) unchecked.
                ch.close().awaitUninterruptibly(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                usedPorts.remove(port);
                lastError = String.valueOf(e.getMessage());
                if (!lastError.contains("in use")) {
                    throw new FieldException("local", "cannot send from " + IpAddresses.text(local)
                            + " port " + port + " to " + remote + ": " + lastError);
                }
            }
        }
        throw new FieldException("local", "no source port for " + c.key() + ": " + lastError);
    }

    private static EpollDatagramChannel newSendChannel(SessionConfig c, boolean ipv6) {
        EpollDatagramChannel d = new EpollDatagramChannel(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
        try {
            d.config().setAutoRead(false);
            int tos = c.dscp() << 2;
            if (ipv6) {
                d.config().setOption(SocketOptions.IPV6_UNICAST_HOPS, 255);
                d.config().setOption(SocketOptions.IPV6_TCLASS, tos);
            } else {
                d.config().setOption(SocketOptions.IP_TTL, 255);
                d.config().setOption(SocketOptions.IP_TOS, tos);
            }
            if (c.iface() != null) {
                d.config().setOption(SocketOptions.BINDTODEVICE, SocketOptions.deviceName(c.iface()));
            }
            return d;
        } catch (RuntimeException e) {
            d.unsafe().closeForcibly();
            throw new FieldException(c.iface() != null ? "iface" : "local",
                    "cannot set up the send socket: " + e.getMessage());
        }
    }

    /** The source port a send socket is bound to. */
    public static int sourcePort(Channel ch) {
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** Event loop: closes a session's send socket and frees its port. */
    public void closeSendSocket(Channel ch) {
        if (ch == null) {
            return;
        }
        InetSocketAddress local = (InetSocketAddress) ch.localAddress();
        ch.close();
        if (local != null) {
            usedPorts.remove(local.getPort());
        }
    }

    /**
     * {@link PacketSink} (event loop): one send(2) on the session's connected socket, from one
     * reused direct buffer. This bypasses Netty's pipeline and outbound queue: a BFD packet
     * is sent now or not at all (a full socket buffer or a pending ICMP error counts as a
     * transmit error; the next interval sends the state anew), and nothing is allocated.
     */
    @Override
    public boolean send(Session session, byte[] packet, int length) {
        if (!(session.attachment() instanceof EpollDatagramChannel ch) || !ch.isActive()) {
            return false;
        }
        txBuffer.clear();
        txBuffer.put(packet, 0, length);
        try {
            return ((Socket) ch.fd()).send(txBuffer, 0, length) == length;
        } catch (IOException e) {
            LOG.debug("BFD send socket {}: {}", ch.localAddress(), e.toString());
            return false;
        }
    }

    /** Closes the receive sockets; send sockets are closed with their sessions. */
    @Override
    public void close() {
        for (RxSocket s : rx.values()) {
            s.peers.close();
            s.others.close();
        }
        rx.clear();
    }

    private static InetAddress scoped(InetAddress a, int ifindex) {
        if (a instanceof Inet6Address && a.isLinkLocalAddress() && ifindex > 0) {
            try {
                return Inet6Address.getByAddress(null, a.getAddress(), ifindex);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return a;
    }

    /** Send errors (e.g. ICMP port unreachable reported on a connected socket) are counted. */
    @ChannelHandler.Sharable
    private final class TxErrorHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Object session = ctx.channel().attr(SESSION).get();
            if (session instanceof Session s) {
                receiver.txError(s);
            }
            LOG.debug("BFD send socket {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }

    /** The session a send socket belongs to, for error counting. */
    public static final io.netty.util.AttributeKey<Object> SESSION = io.netty.util.AttributeKey.valueOf("bfd-session");
}
