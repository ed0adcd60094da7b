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
    private static final int RTM_GETLINK = 18;
    private static final int NLM_F_REQUEST = 1;
    private static final int IFINFOMSG = 16;
    private static final int IFLA_IFNAME = 3;
    private static final int ENODEV = 19;
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
        int len = RtnetlinkMessage.NLMSG_HDR + IFINFOMSG + RtnetlinkMessage.align(attrLen);
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
            for (int off = 0; off + RtnetlinkMessage.NLMSG_HDR <= n; ) {
                int msgLen = b.getInt(off);
                if (msgLen < RtnetlinkMessage.NLMSG_HDR || off + msgLen > n) {
                    throw new IOException("malformed netlink message in " + where);
                }
                if (b.getInt(off + 8) == mySeq) {
                    RtnetlinkMessage m = RtnetlinkMessage.parseOne(b, off, msgLen);
                    if (m instanceof RtnetlinkMessage.Error e) {
                        if (e.errno() == ENODEV) {
                            return Optional.empty();
                        }
                        throw new IOException("RTM_GETLINK " + name + " in " + where + ": " + C.strerror(e.errno()));
                    }
                    if (m instanceof RtnetlinkMessage.Link l) {
                        return Optional.of(l.state());
                    }
                }
                off += RtnetlinkMessage.align(msgLen);
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

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            C.close(fd);
        }
    }
}
