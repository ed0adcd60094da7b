package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.libc.Libc;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * A NETLINK_ROUTE socket in one namespace, for asking about one link at a time
 * (RTM_GETLINK by name, as {@code ip link show dev NAME} does): state and counters without a
 * subprocess. Opened on the namespace's thread, used from any thread (calls are serialised).
 *
 * <pre>
 * request:  nlmsghdr (16) | ifinfomsg (16) | rtattr IFLA_IFNAME "name\0" (padded to 4)
 * reply:    nlmsghdr type RTM_NEWLINK | ifinfomsg (flags at +8) | rtattrs ...
 *           or nlmsghdr type NLMSG_ERROR | int error (-errno)
 * </pre>
 */
public final class Rtnetlink implements LinkSource, AutoCloseable {
    private static final Libc C = Libc.INSTANCE;
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_GETLINK = 18;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLMSG_HDR = 16;
    private static final int IFINFOMSG = 16;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_OPERSTATE = 16;
    private static final int IFLA_STATS64 = 23;
    private static final int IFF_UP = 0x1;
    private static final int IFF_LOWER_UP = 0x10000;
    private static final int ENODEV = 19;
    private static final String[] OPERSTATES = {"unknown", "notpresent", "down", "lowerlayerdown", "testing",
        "dormant", "up"};
    private static final int TIMEOUT_MILLIS = 1000;

    private final int fd;
    private final String where;
    private final byte[] buf = new byte[32768];
    private int seq = 1;
    private boolean closed;

    private Rtnetlink(int fd, String where) {
        this.fd = fd;
        this.where = where;
    }

    /** Opens a NETLINK_ROUTE socket in {@code ns}. */
    public static Rtnetlink open(NetworkNamespace ns) throws IOException {
        try {
            int fd = ns.call(() -> {
                int s = C.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
                if (s < 0) {
                    throw new IOException("socket(AF_NETLINK, NETLINK_ROUTE): " + Libc.lastError());
                }
                return s;
            }).join();
            return new Rtnetlink(fd, ns.name());
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** The link called {@code name}, or empty if there is none in this namespace. */
    @Override
    public synchronized Optional<LinkState> link(String name) throws IOException {
        if (closed) {
            throw new IOException("netlink socket closed");
        }
        int mySeq = seq++;
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        int attrLen = 4 + nameBytes.length;
        int len = NLMSG_HDR + IFINFOMSG + align(attrLen);
        ByteBuffer req = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        req.putInt(len).putShort((short) RTM_GETLINK).putShort((short) NLM_F_REQUEST).putInt(mySeq).putInt(0);
        req.put(new byte[IFINFOMSG]);
        req.putShort((short) attrLen).putShort((short) IFLA_IFNAME).put(nameBytes);
        byte[] kernel = new byte[12];
        kernel[0] = (byte) Libc.AF_NETLINK;
        if (C.sendto(fd, req.array(), len, 0, kernel, kernel.length) < 0) {
            throw new IOException("netlink send in " + where + ": " + Libc.lastError());
        }
        while (true) {
            awaitReadable();
            long n = C.recv(fd, buf, buf.length, Libc.MSG_DONTWAIT);
            if (n < 0) {
                if (Libc.lastErrno() == Libc.EAGAIN || Libc.lastErrno() == Libc.EINTR) {
                    continue;
                }
                throw new IOException("netlink receive in " + where + ": " + Libc.lastError());
            }
            ByteBuffer b = ByteBuffer.wrap(buf, 0, (int) n).order(ByteOrder.nativeOrder());
            for (int off = 0; off + NLMSG_HDR <= n; ) {
                int msgLen = b.getInt(off);
                int type = b.getShort(off + 4) & 0xffff;
                int msgSeq = b.getInt(off + 8);
                if (msgLen < NLMSG_HDR || off + msgLen > n) {
                    throw new IOException("malformed netlink message in " + where);
                }
                if (msgSeq == mySeq) {
                    if (type == NLMSG_ERROR) {
                        int err = -b.getInt(off + NLMSG_HDR);
                        if (err == ENODEV) {
                            return Optional.empty();
                        }
                        throw new IOException("RTM_GETLINK " + name + " in " + where + ": " + C.strerror(err));
                    }
                    if (type == RTM_NEWLINK) {
                        return Optional.of(parseLink(b, off, msgLen));
                    }
                }
                off += align(msgLen);
            }
        }
    }

    private void awaitReadable() throws IOException {
        byte[] pfd = new byte[8];
        ByteBuffer.wrap(pfd).order(ByteOrder.nativeOrder()).putInt(fd).putShort(Libc.POLLIN);
        int r = C.poll(pfd, 1, TIMEOUT_MILLIS);
        if (r == 0) {
            throw new IOException("no netlink answer in " + where + " within " + TIMEOUT_MILLIS + " ms");
        }
        if (r < 0 && Libc.lastErrno() != Libc.EINTR) {
            throw new IOException("poll on netlink socket in " + where + ": " + Libc.lastError());
        }
    }

    private static LinkState parseLink(ByteBuffer b, int off, int msgLen) {
        int ifi = off + NLMSG_HDR;
        int index = b.getInt(ifi + 4);
        int flags = b.getInt(ifi + 8);
        String name = "";
        String oper = "unknown";
        long[] stats = new long[8];
        int end = off + msgLen;
        for (int a = ifi + IFINFOMSG; a + 4 <= end; ) {
            int rtaLen = b.getShort(a) & 0xffff;
            int rtaType = b.getShort(a + 2) & 0x3fff; // strip NLA_F_NESTED / NLA_F_NET_BYTEORDER
            if (rtaLen < 4 || a + rtaLen > end) {
                break;
            }
            int data = a + 4;
            switch (rtaType) {
                case IFLA_IFNAME -> {
                    int z = data;
                    while (z < a + rtaLen && b.get(z) != 0) {
                        z++;
                    }
                    byte[] s = new byte[z - data];
                    b.get(data, s);
                    name = new String(s, StandardCharsets.UTF_8);
                }
                case IFLA_OPERSTATE -> {
                    int v = b.get(data) & 0xff;
                    oper = v < OPERSTATES.length ? OPERSTATES[v] : "state " + v;
                }
                case IFLA_STATS64 -> {
                    for (int i = 0; i < stats.length && data + 8 * (i + 1) <= a + rtaLen; i++) {
                        stats[i] = b.getLong(data + 8 * i);
                    }
                }
                default -> {
                }
            }
            a += align(rtaLen);
        }
        // rtnl_link_stats64: rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped
        return new LinkState(name, index, (flags & IFF_UP) != 0, (flags & IFF_LOWER_UP) != 0, oper, stats[0],
                stats[1], stats[2], stats[3], stats[6], stats[7]);
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            C.close(fd);
        }
    }
}
