package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.libc.Libc;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.event.KernelEvents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's announcements of links, addresses and routes in one network namespace: a
 * NETLINK_ROUTE socket opened in that namespace (a socket belongs to the namespace it was
 * created in) and bound to the multicast groups RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
 * RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE and RTNLGRP_IPV6_ROUTE, read on the events thread
 * the moment the kernel sends. When the socket's buffer overflowed (ENOBUFS) messages were
 * lost: every listener is told, and looks again.
 */
public final class RtnetlinkMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtnetlinkMonitor.class);
    private static final Libc C = Libc.INSTANCE;
    /** RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE. */
    static final int GROUPS = 0x1 | 0x10 | 0x40 | 0x100 | 0x400;
    private static final int RCVBUF = 1 << 20;

    /** Gets every message of the namespace, on the events thread; keep it short. */
    public interface Listener {
        void message(RtnetlinkMessage m);

        /** Messages were lost (the socket overflowed): look at what you watch again. */
        void lost();
    }

    private final String where;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final byte[] buf = new byte[65536];
    private final KernelEvents.Registration registration;
    private long overruns;

    private RtnetlinkMonitor(String where, int fd, KernelEvents events) {
        this.where = where;
        this.registration = events.watch(fd, "rtnetlink events in " + where, (r, revents) -> read(r.fd()));
    }

    /** Opens the socket in {@code ns} and starts reading it on {@code events}' thread. */
    public static RtnetlinkMonitor open(NetworkNamespace ns, KernelEvents events) throws IOException {
        try {
            int fd = ns.call(() -> {
                int s = C.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK,
                        Libc.NETLINK_ROUTE);
                if (s < 0) {
                    throw new IOException("socket(AF_NETLINK, NETLINK_ROUTE): " + Libc.lastError());
                }
                byte[] size = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(RCVBUF).array();
                C.setsockopt(s, Libc.SOL_SOCKET, Libc.SO_RCVBUF, size, 4);
                // sockaddr_nl: family u16 | pad u16 | pid u32 (0: the kernel picks) | groups u32
                byte[] sa = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort((short) Libc.AF_NETLINK)
                        .putShort((short) 0).putInt(0).putInt(GROUPS).array();
                if (C.bind(s, sa, sa.length) != 0) {
                    String err = Libc.lastError();
                    C.close(s);
                    throw new IOException("bind netlink socket to the link, address and route groups: " + err);
                }
                return s;
            }).join();
            return new RtnetlinkMonitor(ns.name(), fd, events);
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** Times the socket overflowed and messages were lost. */
    public long overruns() {
        return overruns;
    }

    private void read(int fd) {
        while (true) {
            long n = C.recv(fd, buf, buf.length, Libc.MSG_DONTWAIT);
            if (n < 0) {
                int errno = Libc.lastErrno();
                if (errno == Libc.EAGAIN) {
                    return;
                }
                if (errno == Libc.EINTR) {
                    continue;
                }
                if (errno == Libc.ENOBUFS) {
                    overruns++;
                    LOG.warn("rtnetlink events in {}: the socket overflowed, messages were lost; probes look again",
                            where);
                    listeners.forEach(RtnetlinkMonitor::lost);
                    continue;
                }
                LOG.warn("rtnetlink events in {}: {}; events stop, probes go on", where, Libc.lastError());
                registration.close();
                return;
            }
            List<RtnetlinkMessage> messages;
            try {
                messages = RtnetlinkMessage.parse(buf, (int) n);
            } catch (IllegalArgumentException e) {
                LOG.warn("rtnetlink events in {}: {}; treated as lost messages", where, e.getMessage());
                listeners.forEach(RtnetlinkMonitor::lost);
                continue;
            }
            for (RtnetlinkMessage m : messages) {
                for (Listener l : listeners) {
                    try {
                        l.message(m);
                    } catch (RuntimeException e) {
                        LOG.warn("rtnetlink listener failed on {}", m, e);
                    }
                }
            }
        }
    }

    private static void lost(Listener l) {
        try {
            l.lost();
        } catch (RuntimeException e) {
            LOG.warn("rtnetlink listener failed after lost messages", e);
        }
    }

    @Override
    public void close() {
        registration.close();
    }
}
