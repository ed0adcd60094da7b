package dev.xlatsentinel.bfd.transport;

import io.netty.util.NetUtil;
import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.InvalidConfigException;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.session.Counter;
import dev.xlatsentinel.bfd.session.PacketSink;
import dev.xlatsentinel.bfd.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
 * BFD over UDP with Netty epoll (RFC 5881 single hop on 3784, RFC 5883 multihop on 4784).
 *
 * <ul>
 *   <li>Receive: one socket per (address family, port), shared by every session of the
 *       engine, bound to the wildcard address, with IP_RECVORIGDSTADDR so the destination
 *       address is known for demultiplexing (IPv4 only: Netty reports no IPv6 destination,
 *       so IPv6 packets with Your Discriminator 0 are matched by peer and scope alone), and
 *       a {@link GtsmFilter}: TTL 255 for single
 *       hop; for multihop the lowest minimum TTL of the family's multihop sessions.</li>
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
    /** Larger datagrams are cut to this (a BFD packet has at most 52 octets) and dropped. */
    private static final int MAX_DATAGRAM = 512;

    /** Where received datagrams go; called on the event loop. */
    public interface Receiver {
        void datagram(byte[] buf, int length, HopMode hop, InetAddress src, InetAddress dst);

        /** The end of one read batch: a good moment to re-arm timers. */
        void batchDone();
    }

    private record RxKey(boolean ipv6, HopMode hop) {
    }

    /** A shared receive socket and, for multihop, the minimum TTLs of its sessions. */
    private static final class RxSocket {
        final Channel channel;
        final boolean ipv6;
        final TreeMap<Integer, Integer> minTtls = new TreeMap<>();
        int appliedMinTtl;

        RxSocket(Channel channel, boolean ipv6, int minTtl) {
            this.channel = channel;
            this.ipv6 = ipv6;
            this.appliedMinTtl = minTtl;
        }
    }

    private final EventLoop loop;
    private final Executor socketExecutor;
    private final Receiver receiver;
    private final Map<RxKey, RxSocket> rx = new ConcurrentHashMap<>();
    private final Set<Integer> usedPorts = ConcurrentHashMap.newKeySet();
    private final byte[] scratch = new byte[512];
    private final ChannelHandler txErrors = new TxErrorHandler();

    public UdpTransport(EventLoop loop, Executor socketExecutor, Receiver receiver) {
        this.loop = loop;
        this.socketExecutor = socketExecutor;
        this.receiver = receiver;
    }

    /** Blocking: the index of {@code iface} in the transport's namespace. */
    public int ifindex(String iface) {
        return Blocking.call(socketExecutor, () -> {
            int index = InterfaceIndex.of(iface);
            if (index == 0) {
                throw new InvalidConfigException("iface", "no interface '" + iface + "' in the namespace");
            }
            return index;
        });
    }

    /** Blocking: opens the shared receive socket for the session's family and port if needed. */
    public synchronized void ensureReceiveSocket(SessionConfig c) {
        boolean ipv6 = c.peer() instanceof Inet6Address;
        RxKey key = new RxKey(ipv6, c.hop());
        if (rx.containsKey(key)) {
            return;
        }
        int minTtl = c.hop() == HopMode.SINGLE_HOP ? 255 : c.minTtl();
        EpollDatagramChannel ch = Blocking.call(socketExecutor, () -> {
            EpollDatagramChannel d = new EpollDatagramChannel(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
            try {
                if (ipv6) {
                    d.config().setOption(SocketOptions.IPV6_V6ONLY, 1);
                }
                d.config().setOption(EpollChannelOption.IP_RECVORIGDSTADDR, true);
                d.config().setOption(ChannelOption.SO_RCVBUF, 1 << 20);
                // recvmmsg(2): up to 32 datagrams of at most 512 octets per system call.
                FixedRecvByteBufAllocator recv = new FixedRecvByteBufAllocator(32 * MAX_DATAGRAM);
                recv.maxMessagesPerRead(16);
                d.config().setRecvByteBufAllocator(recv);
                d.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
                GtsmFilter.attach(d, ipv6, minTtl);
                return d;
            } catch (RuntimeException e) {
                d.unsafe().closeForcibly();
                throw e;
            }
        });
        HopMode hop = c.hop();
        ch.pipeline().addLast(new RxHandler(hop));
        InetSocketAddress bindTo = new InetSocketAddress(wildcard(ipv6), hop.port());
        try {
            loop.register(ch).syncUninterruptibly();
            ch.bind(bindTo).syncUninterruptibly();
        } catch (Exception e) {
            ch.close();
            throw new IllegalStateException("cannot open the BFD receive socket " + bindTo + ": " + e.getMessage(), e);
        }
        LOG.info("BFD receiving {} on {} (GTSM minimum TTL {})", hop, bindTo, minTtl);
        rx.put(key, new RxSocket(ch, ipv6, minTtl));
    }

    /**
     * Event loop: a session of {@code c} joins its receive socket; for multihop the filter
     * follows the lowest minimum TTL in use.
     */
    public void sessionAdded(SessionConfig c) {
        adjustMinTtl(c, 1);
    }

    public void sessionRemoved(SessionConfig c) {
        adjustMinTtl(c, -1);
    }

    private void adjustMinTtl(SessionConfig c, int delta) {
        if (c.hop() != HopMode.MULTI_HOP) {
            return;
        }
        RxSocket s = rx.get(new RxKey(c.peer() instanceof Inet6Address, c.hop()));
        if (s == null) {
            return;
        }
        s.minTtls.merge(c.minTtl(), delta, (a, b) -> a + b == 0 ? null : a + b);
        int lowest = s.minTtls.isEmpty() ? 255 : s.minTtls.firstKey();
        if (lowest != s.appliedMinTtl && s.channel.isOpen()) {
            GtsmFilter.attach(s.channel, s.ipv6, lowest);
            s.appliedMinTtl = lowest;
            LOG.info("BFD multihop {} GTSM minimum TTL now {}", s.ipv6 ? "IPv6" : "IPv4", lowest);
        }
    }

    /**
     * Blocking: opens a session's send socket: created on the namespace executor, bound to
     * its local address and a fresh source port, connected to the peer. Throws
     * {@link InvalidConfigException} (field {@code local}) when the address cannot be used.
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
                    throw new InvalidConfigException("local", "cannot send from " + NetUtil.toAddressString(local)
                            + " port " + port + " to " + remote + ": " + lastError);
                }
            }
        }
        throw new InvalidConfigException("local", "no source port for " + c.key() + ": " + lastError);
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
            throw new InvalidConfigException(c.iface() != null ? "iface" : "local",
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

    /** {@link PacketSink}: copies the packet into a pooled buffer and writes it (event loop). */
    @Override
    public boolean send(Session session, byte[] packet, int length) {
        Channel ch = (Channel) session.attachment();
        if (ch == null || !ch.isActive() || !ch.isWritable()) {
            return false;
        }
        ByteBuf buf = ch.alloc().directBuffer(length, length);
        buf.writeBytes(packet, 0, length);
        ch.writeAndFlush(buf, ch.voidPromise());
        return true;
    }

    /** Closes the receive sockets; send sockets are closed with their sessions. */
    @Override
    public void close() {
        for (RxSocket s : rx.values()) {
            s.channel.close().awaitUninterruptibly(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        rx.clear();
    }

    private static InetAddress wildcard(boolean ipv6) {
        try {
            return InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
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

    /** Copies each datagram into one scratch array and hands it on; nothing is kept. */
    private final class RxHandler extends ChannelInboundHandlerAdapter {
        private final HopMode hop;

        RxHandler(HopMode hop) {
            this.hop = hop;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket d)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            try {
                ByteBuf c = d.content();
                int length = c.readableBytes();
                c.getBytes(c.readerIndex(), scratch, 0, Math.min(length, scratch.length));
                InetSocketAddress recipient = d.recipient();
                receiver.datagram(scratch, length, hop, d.sender().getAddress(),
                        recipient == null ? null : recipient.getAddress());
            } finally {
                d.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            receiver.batchDone();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("BFD receive socket {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }

    /** Send errors (e.g. ICMP port unreachable reported on a connected socket) are counted. */
    @ChannelHandler.Sharable
    private static final class TxErrorHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Object session = ctx.channel().attr(SESSION).get();
            if (session instanceof Session s) {
                s.counters().increment(Counter.TX_ERRORS);
            }
            LOG.debug("BFD send socket {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }

    /** The session a send socket belongs to, for error counting. */
    public static final io.netty.util.AttributeKey<Object> SESSION = io.netty.util.AttributeKey.valueOf("bfd-session");
}
