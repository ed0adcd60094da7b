package dev.xlatsentinel.bfd.transport;

import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Linux socket options Netty has no name for, as Netty epoll generic options. */
final class SocketOptions {
    private static final int SOL_SOCKET = 1;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_IPV6 = 41;

    /** RFC 5881 §5: TTL 255 on every packet we send. */
    static final ChannelOption<Integer> IP_TTL = new IntegerUnixChannelOption("IP_TTL", IPPROTO_IP, 2);
    static final ChannelOption<Integer> IPV6_UNICAST_HOPS =
            new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", IPPROTO_IPV6, 16);
    static final ChannelOption<Integer> IP_TOS = new IntegerUnixChannelOption("IP_TOS", IPPROTO_IP, 1);
    static final ChannelOption<Integer> IPV6_TCLASS = new IntegerUnixChannelOption("IPV6_TCLASS", IPPROTO_IPV6, 67);
    static final ChannelOption<Integer> IPV6_V6ONLY = new IntegerUnixChannelOption("IPV6_V6ONLY", IPPROTO_IPV6, 26);
    private static final int SO_BINDTODEVICE = 25;
    private static final int IFNAMSIZ = 16;
    static final ChannelOption<ByteBuffer> BINDTODEVICE =
            new RawUnixChannelOption("SO_BINDTODEVICE", SOL_SOCKET, SO_BINDTODEVICE, IFNAMSIZ);

    private SocketOptions() {
    }

    /** The interface name as SO_BINDTODEVICE takes it: NUL-padded to IFNAMSIZ. */
    static ByteBuffer deviceName(String iface) {
        byte[] name = iface.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocateDirect(IFNAMSIZ).order(ByteOrder.nativeOrder());
        b.put(name, 0, Math.min(name.length, IFNAMSIZ - 1));
        b.position(0).limit(IFNAMSIZ);
        return b;
    }
}
