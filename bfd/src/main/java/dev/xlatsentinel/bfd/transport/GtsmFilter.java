package dev.xlatsentinel.bfd.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * GTSM for UDP (RFC 5881 §5, RFC 5883 §5): a classic BPF socket filter that drops, in the
 * kernel, every datagram whose IPv4 TTL or IPv6 hop limit is below a minimum. Linux's
 * IP_MINTTL and IPV6_MINHOPCOUNT apply to TCP only (measured on this kernel: UDP ignores
 * them), and Netty's epoll channel hands out no IP_RECVTTL control message, so the check
 * runs where the header still is. The filter reads the network header through the
 * {@code SKF_NET_OFF} base, so it works on a UDP socket whose data starts at the payload.
 */
final class GtsmFilter {
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_FILTER = 26;
    /** struct sock_fprog: u16 len, padding, pointer. */
    private static final int FPROG_SIZE = 16;
    private static final ChannelOption<ByteBuffer> ATTACH_FILTER =
            new RawUnixChannelOption("SO_ATTACH_FILTER", SOL_SOCKET, SO_ATTACH_FILTER, FPROG_SIZE);

    private static final int SKF_NET_OFF = -0x100000;
    private static final int IPV4_TTL_OFFSET = 8;
    private static final int IPV6_HOP_LIMIT_OFFSET = 7;
    private static final short BPF_LD_B_ABS = 0x30;
    private static final short BPF_JMP_JGE_K = 0x35;
    private static final short BPF_RET_K = 0x06;

    private GtsmFilter() {
    }

    /** Attaches (or replaces) the filter on {@code channel}: accept only TTL >= {@code minTtl}. */
    static void attach(Channel channel, boolean ipv6, int minTtl) {
        if (minTtl < 1 || minTtl > 255) {
            throw new IllegalArgumentException("minTtl " + minTtl);
        }
        ByteBuffer program = ByteBuffer.allocateDirect(4 * 8).order(ByteOrder.nativeOrder());
        int offset = SKF_NET_OFF + (ipv6 ? IPV6_HOP_LIMIT_OFFSET : IPV4_TTL_OFFSET);
        instruction(program, BPF_LD_B_ABS, 0, 0, offset);       // A = ttl
        instruction(program, BPF_JMP_JGE_K, 0, 1, minTtl);      // A >= min ? next : skip one
        instruction(program, BPF_RET_K, 0, 0, 0xffff_ffff);     // accept whole packet
        instruction(program, BPF_RET_K, 0, 0, 0);               // drop
        ByteBuffer fprog = ByteBuffer.allocateDirect(FPROG_SIZE).order(ByteOrder.nativeOrder());
        fprog.putShort(0, (short) 4);
        fprog.putLong(8, PlatformDependent.directBufferAddress(program));
        fprog.position(0).limit(FPROG_SIZE);
        if (!channel.config().setOption(ATTACH_FILTER, fprog)) {
            throw new IllegalStateException("SO_ATTACH_FILTER not supported on " + channel);
        }
        // The kernel copied the program during setsockopt; keep it reachable until then.
        java.lang.ref.Reference.reachabilityFence(program);
    }

    private static void instruction(ByteBuffer b, short code, int jt, int jf, int k) {
        b.putShort(code).put((byte) jt).put((byte) jf).putInt(k);
    }
}
