package dev.xlatsentinel.bfd.transport;

import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.session.WireAddress;
import dev.xlatsentinel.platform.libc.Libc;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shared BFD receive socket (one per address family and port) read with recvmmsg(2)
 * straight into one native buffer: each datagram's payload, sender, destination address
 * (IP_PKTINFO / IPV6_PKTINFO) and TTL or hop limit (IP_RECVTTL / IPV6_RECVHOPLIMIT) are read
 * from there and handed on as octets, so a received packet allocates nothing (Netty's
 * datagram channel makes a packet object, a buffer slice and two address objects per
 * datagram, ~200 bytes, which at 200 000 packets a second is a young collection every
 * second). It is registered on the event loop as an {@link EpollIoHandle}: readiness comes
 * from the same epoll as everything else, level-triggered, and each readiness event reads up
 * to {@link #MAX_READ} datagrams before the loop turns to its timers.
 *
 * <p>Layout (LP64 Linux, x86_64 and aarch64): {@code struct mmsghdr} is 64 octets (a 56-octet
 * {@code msghdr}, {@code msg_len}, padding), {@code struct iovec} 16, {@code sockaddr_in6}
 * 28 (slots of 32), a control area of 128 per message, and 512 octets of payload (a BFD
 * packet has at most 52; longer ones are cut and then dropped by the length checks).
 *
 * <p>Two of them share each (family, port) as one SO_REUSEPORT group: the peers' queue and
 * the queue of everything else ({@link PeerSteering} picks one for each datagram in the
 * kernel). The other queue is small and read within a budget ({@link #OTHERS_BUDGET}
 * datagrams, then {@link #OTHERS_PAUSE_NANOS} without reading it): a flood costs the event
 * loop a bounded share of its time and overflows in the kernel, where it is counted
 * ({@link #kernelDrops()}).
 */
final class ReceiveSocket implements EpollIoHandle {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiveSocket.class);

    static final int BATCH = 32;
    static final int MAX_READ = 1024;
    static final int MAX_DATAGRAM = 512;
    private static final int MMSGHDR = 64;
    private static final int IOVEC = 16;
    private static final int NAME = 32;
    private static final int CONTROL = 128;
    private static final int SOCKADDR_IN6_LEN = 28;

    /** Datagrams read from the other queue per readiness event, before a pause. */
    static final int OTHERS_BUDGET = 256;
    /** The pause after a full budget: the other queue is read at most ~25 000 datagrams a second. */
    static final long OTHERS_PAUSE_NANOS = 10_000_000;

    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEPORT = 15;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SO_MEMINFO = 55;
    /** Index of sk_drops in SO_MEMINFO's array of u32 (SK_MEMINFO_DROPS). */
    private static final int SK_MEMINFO_DROPS = 8;
    private static final int SK_MEMINFO_VARS = 9;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IP_TTL = 2;
    private static final int IP_PKTINFO = 8;
    private static final int IP_RECVTTL = 12;
    private static final int IPV6_V6ONLY = 26;
    private static final int IPV6_RECVPKTINFO = 49;
    private static final int IPV6_PKTINFO = 50;
    private static final int IPV6_RECVHOPLIMIT = 51;
    private static final int IPV6_HOPLIMIT = 52;
    private static final int AF_INET6 = 10;

    /** Which queue of the pair this socket is. */
    enum Queue {
        PEERS("peers"), OTHERS("others");

        private final String label;

        Queue(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    private final Socket socket;
    private final boolean ipv6;
    private final HopMode hop;
    private final Queue queue;
    private final UdpTransport.Receiver sink;
    private final ByteBuffer mem;
    private final long base;
    private final Pointer msgvec;
    private final int iovOff;
    private final int nameOff;
    private final int controlOff;
    private final int dataOff;
    private final byte[] payload = new byte[MAX_DATAGRAM];
    private final WireAddress src = new WireAddress();
    private final WireAddress dst = new WireAddress();
    private IoRegistration registration;
    private IoEventLoop loop;
    private boolean paused;
    private final Runnable resume = this::resume;
    private final ByteBuffer meminfo = ByteBuffer.allocateDirect(4 * SK_MEMINFO_VARS).order(ByteOrder.nativeOrder());
    private long received;
    private long readErrors;

    /** A datagram socket of the family, through Netty's native code (the constructor it needs is protected). */
    private static final class DatagramSocket extends Socket {
        DatagramSocket(boolean ipv6) {
            super(newSocketDgram0(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET));
        }
    }

    private ReceiveSocket(Socket socket, boolean ipv6, HopMode hop, Queue queue, UdpTransport.Receiver sink) {
        this.socket = socket;
        this.ipv6 = ipv6;
        this.hop = hop;
        this.queue = queue;
        this.sink = sink;
        iovOff = BATCH * MMSGHDR;
        nameOff = iovOff + BATCH * IOVEC;
        controlOff = nameOff + BATCH * NAME;
        dataOff = controlOff + BATCH * CONTROL;
        mem = ByteBuffer.allocateDirect(dataOff + BATCH * MAX_DATAGRAM).order(ByteOrder.nativeOrder());
        base = PlatformDependent.directBufferAddress(mem);
        msgvec = Pointer.wrap(Libc.runtime(), base);
        for (int i = 0; i < BATCH; i++) {
            int m = i * MMSGHDR;
            mem.putLong(m, base + nameOff + (long) i * NAME);           // msg_name
            mem.putLong(m + 16, base + iovOff + (long) i * IOVEC);      // msg_iov
            mem.putLong(m + 24, 1);                                     // msg_iovlen
            mem.putLong(m + 32, base + controlOff + (long) i * CONTROL); // msg_control
            mem.putLong(iovOff + i * IOVEC, base + dataOff + (long) i * MAX_DATAGRAM); // iov_base
            mem.putLong(iovOff + i * IOVEC + 8, MAX_DATAGRAM);          // iov_len
        }
    }

    /**
     * Opens and binds the socket (call on the thread inside the namespace): V6ONLY for IPv6,
     * SO_REUSEPORT (the pair's group; open the peers' queue first: it becomes index 0), the
     * receive queue, destination and TTL ancillary data, and for the peers' queue the GTSM
     * filter (a second line behind the steering program).
     */
    static ReceiveSocket open(boolean ipv6, HopMode hop, Queue queue, int minTtl, int receiveBuffer,
            UdpTransport.Receiver sink) {
        Epoll.ensureAvailability();
        Socket s = new DatagramSocket(ipv6);
        try {
            s.setIntOpt(SOL_SOCKET, SO_REUSEPORT, 1);
            if (ipv6) {
                s.setIntOpt(IPPROTO_IPV6, IPV6_V6ONLY, 1);
                s.setIntOpt(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
                s.setIntOpt(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
            } else {
                s.setIntOpt(IPPROTO_IP, IP_PKTINFO, 1);
                s.setIntOpt(IPPROTO_IP, IP_RECVTTL, 1);
            }
            try {
                // SO_RCVBUFFORCE passes net.core.rmem_max when privileged (CAP_NET_ADMIN).
                s.setIntOpt(SOL_SOCKET, SO_RCVBUFFORCE, receiveBuffer);
            } catch (IOException e) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            if (queue == Queue.PEERS) {
                GtsmFilter.attach(s, ipv6, minTtl);
            }
            s.bind(new InetSocketAddress(wildcard(ipv6), hop.port()));
            return new ReceiveSocket(s, ipv6, hop, queue, sink);
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Nothing more to undo.
            }
            throw new IllegalStateException("cannot open the BFD receive socket " + (ipv6 ? "[::]" : "0.0.0.0") + ":"
                    + hop.port() + " (" + queue.label() + "): " + e.getMessage(), e);
        }
    }

    /** Blocking: registers on {@code loop} for readability. */
    void register(IoEventLoop loop) {
        IoRegistration r = loop.register(this).syncUninterruptibly().getNow();
        Blocking.call(loop, () -> r.submit(EpollIoOps.EPOLLIN));
        this.loop = loop;
        registration = r;
    }

    /** Replaces the GTSM filter of the peers' queue (multihop: the lowest minimum TTL of the sessions). */
    void minTtl(int minTtl) {
        if (queue == Queue.PEERS) {
            GtsmFilter.attach(socket, ipv6, minTtl);
        }
    }

    /** Replaces the steering program of the pair (attached through either socket). */
    void steer(PeerSteering.Program program) {
        PeerSteering.attach(socket, program);
    }

    Queue queue() {
        return queue;
    }

    /** Event loop: datagrams read from this queue so far. */
    long received() {
        return received;
    }

    /**
     * Datagrams the kernel dropped on this socket (SO_MEMINFO's sk_drops): the queue was
     * full, or (peers' queue) the GTSM filter refused them; -1 when it cannot be read.
     */
    long kernelDrops() {
        try {
            meminfo.clear();
            socket.getRawOpt(SOL_SOCKET, SO_MEMINFO, meminfo);
            return Integer.toUnsignedLong(meminfo.getInt(4 * SK_MEMINFO_DROPS));
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    @Override
    public void handle(IoRegistration r, IoEvent event) {
        if (paused || event instanceof EpollIoEvent e && !e.ops().contains(EpollIoOps.EPOLLIN)
                && !e.ops().contains(EpollIoOps.EPOLLERR)) {
            return;
        }
        int max = queue == Queue.PEERS ? MAX_READ : OTHERS_BUDGET;
        int read = 0;
        int n = 0;
        while (read < max) {
            n = receiveBatch();
            read += n;
            if (n < BATCH) {
                break;
            }
        }
        received += read;
        if (queue == Queue.OTHERS && n == BATCH && !paused && loop != null) {
            // More is waiting: leave it to the kernel for a while (it drops what does not fit).
            paused = true;
            // Not NONE: Netty takes that as a removal from epoll, after which EPOLLIN cannot be
            // submitted again. EPOLLRDHUP never fires on an unconnected UDP socket.
            r.submit(EpollIoOps.EPOLLRDHUP);
            loop.schedule(resume, OTHERS_PAUSE_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        sink.batchDone();
    }

    private void resume() {
        paused = false;
        if (registration != null && registration.isValid()) {
            registration.submit(EpollIoOps.EPOLLIN);
        }
    }

    /** One recvmmsg(2): returns how many datagrams were handed on (0 when none waited). */
    private int receiveBatch() {
        for (int i = 0; i < BATCH; i++) {
            int m = i * MMSGHDR;
            mem.putInt(m + 8, SOCKADDR_IN6_LEN);  // msg_namelen
            mem.putLong(m + 40, CONTROL);         // msg_controllen
            mem.putInt(m + 48, 0);                // msg_flags
        }
        int n = Libc.INSTANCE.recvmmsg(socket.intValue(), msgvec, BATCH, Libc.MSG_DONTWAIT, null);
        if (n < 0) {
            int errno = Libc.lastErrno();
            if (errno != Libc.EAGAIN && readErrors++ % 1000 == 0) {
                LOG.warn("BFD receive socket {}: recvmmsg errno {} ({} so far)", hop, errno, readErrors);
            }
            return 0;
        }
        for (int i = 0; i < n; i++) {
            deliver(i);
        }
        return n;
    }

    private void deliver(int i) {
        int m = i * MMSGHDR;
        int length = mem.getInt(m + 56);
        int name = nameOff + i * NAME;
        if ((mem.getShort(name) & 0xffff) == AF_INET6) {
            src.set(mem, name + 8, 16, mem.getInt(name + 24));
        } else {
            src.set(mem, name + 4, 4, 0);
        }
        dst.clear();
        int ttl = -1;
        int control = controlOff + i * CONTROL;
        long controlLen = Math.min(mem.getLong(m + 40), CONTROL);
        for (int c = 0; c + 16 <= controlLen;) {
            long cmsgLen = mem.getLong(control + c);
            int level = mem.getInt(control + c + 8);
            int type = mem.getInt(control + c + 12);
            int data = control + c + 16;
            if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO) {
                dst.set(mem, data, 16, 0);
                dst.ingress(mem.getInt(data + 16));  // ipi6_ifindex
            } else if (level == IPPROTO_IPV6 && type == IPV6_HOPLIMIT) {
                ttl = mem.getInt(data);
            } else if (level == IPPROTO_IP && type == IP_PKTINFO) {
                dst.set(mem, data + 8, 4, 0);       // ipi_addr: the header's destination
                dst.ingress(mem.getInt(data));      // ipi_ifindex
            } else if (level == IPPROTO_IP && type == IP_TTL) {
                ttl = mem.getInt(data);
            }
            if (cmsgLen < 16) {
                break;
            }
            c += (int) ((cmsgLen + 7) & ~7L);
        }
        int n = Math.min(length, MAX_DATAGRAM);
        mem.get(dataOff + i * MAX_DATAGRAM, payload, 0, n);
        sink.datagram(payload, length, hop, src, dst, ttl);
    }

    private static InetAddress wildcard(boolean ipv6) {
        try {
            return InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deregisters and closes the socket (event loop or any thread). */
    @Override
    public void close() {
        if (registration != null) {
            registration.cancel();
            registration = null;
        }
        try {
            if (socket.isOpen()) {
                socket.close();
            }
        } catch (IOException e) {
            LOG.debug("BFD receive socket close: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "BFD receive socket " + (ipv6 ? "IPv6 " : "IPv4 ") + hop + " " + queue.label();
    }
}
