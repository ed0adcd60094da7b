package dev.xlatsentinel.translator.host;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rtnetlink messages the translator reads (rtnetlink(7)), parsed from the bytes the kernel
 * sends: links (the TUN, an interface), addresses and routes, in answer to a request or as
 * multicast events. Other message types are skipped.
 *
 * <pre>
 * nlmsghdr (16): len u32 | type u16 | flags u16 | seq u32 | pid u32
 * RTM_NEWLINK/DELLINK:  ifinfomsg (16): family u8 | pad u8 | type u16 | index s32 | flags u32 | change u32
 * RTM_NEWADDR/DELADDR:  ifaddrmsg (8):  family u8 | prefixlen u8 | flags u8 | scope u8 | index u32
 * RTM_NEWROUTE/DELROUTE: rtmsg (12):    family u8 | dst_len u8 | src_len u8 | tos u8 | table u8
 *                                       | protocol u8 | scope u8 | type u8 | flags u32
 * then rtattrs: len u16 | type u16 | value, each padded to 4 octets
 * </pre>
 * Host byte order throughout (netlink is native-endian).
 */
public sealed interface RtnetlinkMessage {
    int NLMSG_HDR = 16;
    int NLMSG_ERROR = 2;
    int NLMSG_DONE = 3;
    int RTM_NEWLINK = 16;
    int RTM_DELLINK = 17;
    int RTM_NEWADDR = 20;
    int RTM_DELADDR = 21;
    int RTM_NEWROUTE = 24;
    int RTM_DELROUTE = 25;
    /** rtmsg type RTN_UNICAST: a route that carries traffic (not blackhole, unreachable, local...). */
    int RTN_UNICAST = 1;
    int RT_TABLE_MAIN = 254;

    /** A link (RTM_NEWLINK, or RTM_DELLINK when {@code removed}). */
    record Link(boolean removed, LinkState state) implements RtnetlinkMessage {
    }

    /** An interface address (RTM_NEWADDR, or RTM_DELADDR when {@code removed}). */
    record Address(boolean removed, int index, InetAddress address, int prefixLength) implements RtnetlinkMessage {
    }

    /**
     * A route (RTM_NEWROUTE, or RTM_DELROUTE when {@code removed}).
     *
     * @param table  the routing table (RTA_TABLE, else the rtmsg's table)
     * @param type   RTN_* ({@link #RTN_UNICAST} carries traffic)
     * @param oifs   output interfaces: RTA_OIF, or every next hop's of RTA_MULTIPATH
     */
    record Route(boolean removed, InetAddress destination, int length, int table, int type, List<Integer> oifs)
            implements RtnetlinkMessage {
        public Route {
            oifs = List.copyOf(oifs);
        }

        /** A unicast route to exactly {@code dst/len} in the main table. */
        public boolean isUnicastTo(InetAddress dst, int len) {
            return type == RTN_UNICAST && table == RT_TABLE_MAIN && length == len && destination.equals(dst);
        }
    }

    /** An error answer (NLMSG_ERROR with a non-zero error) to request {@code seq}: {@code errno} positive. */
    record Error(int seq, int errno) implements RtnetlinkMessage {
    }

    /** The end of a dump (NLMSG_DONE) answering request {@code seq}. */
    record Done(int seq) implements RtnetlinkMessage {
    }

    /**
     * Every message in {@code buf[0..length)} of a type above, in order.
     *
     * @throws IllegalArgumentException naming the offset when a length does not fit
     */
    static List<RtnetlinkMessage> parse(byte[] buf, int length) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, length).order(ByteOrder.nativeOrder());
        List<RtnetlinkMessage> out = new ArrayList<>();
        for (int off = 0; off + NLMSG_HDR <= length; ) {
            int msgLen = b.getInt(off);
            if (msgLen < NLMSG_HDR || off + msgLen > length) {
                throw new IllegalArgumentException("netlink message at offset " + off + " says length " + msgLen
                        + " but " + (length - off) + " octets are left");
            }
            RtnetlinkMessage m = parseOne(b, off, msgLen);
            if (m != null) {
                out.add(m);
            }
            off += align(msgLen);
        }
        return out;
    }

    /**
     * The message of {@code msgLen} octets at {@code off} (its header included), or null for a
     * type not read here or one too short for its fixed part.
     */
    static RtnetlinkMessage parseOne(ByteBuffer b, int off, int msgLen) {
        int type = b.getShort(off + 4) & 0xffff;
        return switch (type) {
            case RTM_NEWLINK, RTM_DELLINK -> msgLen < NLMSG_HDR + 16 ? null
                    : new Link(type == RTM_DELLINK, link(b, off, msgLen));
            case RTM_NEWADDR, RTM_DELADDR -> msgLen < NLMSG_HDR + 8 ? null : address(b, off, msgLen);
            case RTM_NEWROUTE, RTM_DELROUTE -> msgLen < NLMSG_HDR + 12 ? null : route(b, off, msgLen);
            case NLMSG_ERROR -> msgLen < NLMSG_HDR + 4 || b.getInt(off + NLMSG_HDR) == 0 ? null
                    : new Error(b.getInt(off + 8), -b.getInt(off + NLMSG_HDR));
            case NLMSG_DONE -> new Done(b.getInt(off + 8));
            default -> null;
        };
    }

    private static String[] operStates() {
        return new String[] {"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"};
    }

    /** ifinfomsg and its attributes: name, operstate, counters (rtnl_link_stats64). */
    private static LinkState link(ByteBuffer b, int off, int msgLen) {
        final int iflaIfname = 3;
        final int iflaOperstate = 16;
        final int iflaStats64 = 23;
        int ifi = off + NLMSG_HDR;
        int index = b.getInt(ifi + 4);
        int flags = b.getInt(ifi + 8);
        String name = "";
        String oper = "unknown";
        long[] stats = new long[8];
        int end = off + msgLen;
        for (int a = ifi + 16; a + 4 <= end; ) {
            int rtaLen = b.getShort(a) & 0xffff;
            int rtaType = b.getShort(a + 2) & 0x3fff; // strip NLA_F_NESTED / NLA_F_NET_BYTEORDER
            if (rtaLen < 4 || a + rtaLen > end) {
                break;
            }
            int data = a + 4;
            if (rtaType == iflaIfname) {
                name = string(b, data, a + rtaLen);
            } else if (rtaType == iflaOperstate && rtaLen > 4) {
                int v = b.get(data) & 0xff;
                String[] states = operStates();
                oper = v < states.length ? states[v] : "state " + v;
            } else if (rtaType == iflaStats64) {
                for (int i = 0; i < stats.length && data + 8 * (i + 1) <= a + rtaLen; i++) {
                    stats[i] = b.getLong(data + 8 * i);
                }
            }
            a += align(rtaLen);
        }
        final int iffUp = 0x1;
        final int iffLowerUp = 0x10000;
        // rtnl_link_stats64: rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped
        return new LinkState(name, index, (flags & iffUp) != 0, (flags & iffLowerUp) != 0, oper, stats[0], stats[1],
                stats[2], stats[3], stats[6], stats[7]);
    }

    private static Address address(ByteBuffer b, int off, int msgLen) {
        final int ifaAddress = 1;
        final int ifaLocal = 2;
        int ifa = off + NLMSG_HDR;
        int family = b.get(ifa) & 0xff;
        int prefixLength = b.get(ifa + 1) & 0xff;
        int index = b.getInt(ifa + 4);
        InetAddress address = null;
        InetAddress local = null;
        int end = off + msgLen;
        for (int a = ifa + 8; a + 4 <= end; ) {
            int rtaLen = b.getShort(a) & 0xffff;
            int rtaType = b.getShort(a + 2) & 0x3fff;
            if (rtaLen < 4 || a + rtaLen > end) {
                break;
            }
            if (rtaType == ifaAddress) {
                address = inet(b, a + 4, rtaLen - 4, family);
            } else if (rtaType == ifaLocal) {
                local = inet(b, a + 4, rtaLen - 4, family);
            }
            a += align(rtaLen);
        }
        // IFA_LOCAL is the interface's own address on point-to-point links; IFA_ADDRESS the peer's there.
        InetAddress own = local != null ? local : address;
        return own == null ? null : new Address(b.getShort(off + 4) == RTM_DELADDR, index, own, prefixLength);
    }

    private static Route route(ByteBuffer b, int off, int msgLen) {
        final int rtaDst = 1;
        final int rtaOif = 4;
        final int rtaMultipath = 9;
        final int rtaTable = 15;
        int rtm = off + NLMSG_HDR;
        int family = b.get(rtm) & 0xff;
        int dstLen = b.get(rtm + 1) & 0xff;
        int table = b.get(rtm + 4) & 0xff;
        int type = b.get(rtm + 7) & 0xff;
        InetAddress dst = null;
        List<Integer> oifs = new ArrayList<>();
        int end = off + msgLen;
        for (int a = rtm + 12; a + 4 <= end; ) {
            int rtaLen = b.getShort(a) & 0xffff;
            int rtaType = b.getShort(a + 2) & 0x3fff;
            if (rtaLen < 4 || a + rtaLen > end) {
                break;
            }
            int data = a + 4;
            switch (rtaType) {
                case rtaDst -> dst = inet(b, data, rtaLen - 4, family);
                case rtaOif -> {
                    if (rtaLen >= 8) {
                        oifs.add(b.getInt(data));
                    }
                }
                case rtaTable -> {
                    if (rtaLen >= 8) {
                        table = b.getInt(data);
                    }
                }
                case rtaMultipath -> {
                    // struct rtnexthop: len u16 | flags u8 | hops u8 | ifindex s32, then its attributes
                    for (int h = data; h + 8 <= a + rtaLen; ) {
                        int hLen = b.getShort(h) & 0xffff;
                        if (hLen < 8) {
                            break;
                        }
                        oifs.add(b.getInt(h + 4));
                        h += align(hLen);
                    }
                }
                default -> {
                }
            }
            a += align(rtaLen);
        }
        if (dst == null) {
            // No RTA_DST: the default route of the family (dst_len 0).
            dst = inet(new byte[family == 2 ? 4 : 16]);
        }
        return new Route(b.getShort(off + 4) == RTM_DELROUTE, dst, dstLen, table, type, oifs);
    }

    private static InetAddress inet(ByteBuffer b, int at, int len, int family) {
        int want = family == 2 ? 4 : family == 10 ? 16 : -1;
        if (want < 0 || len < want) {
            return null;
        }
        byte[] octets = new byte[want];
        b.get(at, octets);
        return inet(octets);
    }

    private static InetAddress inet(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String string(ByteBuffer b, int from, int to) {
        int z = from;
        while (z < to && b.get(z) != 0) {
            z++;
        }
        byte[] s = new byte[z - from];
        b.get(from, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }
}
