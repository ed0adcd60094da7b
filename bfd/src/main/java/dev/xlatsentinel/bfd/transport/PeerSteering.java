package dev.xlatsentinel.bfd.transport;

import io.netty.channel.unix.Socket;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Keeps junk out of the queue real peers' packets wait in. The two receive sockets of a
 * (family, port) form one SO_REUSEPORT group: index 0 is the peers' queue, index 1 the queue
 * of everything else. A classic BPF program attached to the group (SO_ATTACH_REUSEPORT_CBPF)
 * picks the queue for each datagram in the kernel, before it is queued: a datagram goes to
 * the peers' queue only when its TTL / hop limit is at least the GTSM minimum (RFC 5881 §5,
 * RFC 5883 §5) and its source address is a configured peer. A flood from any other address
 * then fills the other queue, which the engine reads within a budget, and never delays a
 * peer's packet (measured: docs/benchmarks.md, "BFD under a junk flood").
 *
 * <p>The program reads the network header through {@code SKF_NET_OFF}. A classic program has
 * at most {@value #MAX_INSTRUCTIONS} instructions and jumps of at most 255, so the peers are
 * compared in one of three ways, the most exact that fits: every octet of each peer
 * ({@link Match#EXACT}: 9 instructions per IPv6 peer, 2 per IPv4 peer); the last 32 bits of
 * each (IPv6 peers beyond ~450: {@link Match#LAST_32_BITS}, one instruction per peer, a
 * superset that the receive checks narrow down); or, beyond ~4000 peers, the TTL alone
 * ({@link Match#TTL_ONLY}: no isolation, logged).
 */
final class PeerSteering {
    static final int PEERS = 0;
    static final int OTHERS = 1;
    static final int MAX_INSTRUCTIONS = 4096;

    /** How the program compares source addresses. */
    enum Match {
        /** Every octet of the source address. */
        EXACT("exact"),
        /** The last 32 bits (too many IPv6 peers for an exact comparison). */
        LAST_32_BITS("last-32-bits"),
        /** None: too many peers for a classic program; only GTSM separates the queues. */
        TTL_ONLY("ttl-only");

        private final String label;

        Match(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** A built program: its instructions (8 octets each) and how it matches. */
    record Program(long[] instructions, Match match, int peers) {
        int length() {
            return instructions.length;
        }
    }

    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    private static final int SKF_NET_OFF = -0x100000;
    private static final int IPV4_TTL = 8;
    private static final int IPV4_SOURCE = 12;
    private static final int IPV6_HOP_LIMIT = 7;
    private static final int IPV6_SOURCE = 8;

    static final int LD_W_ABS = 0x20;
    static final int LD_B_ABS = 0x30;
    static final int JMP_JA = 0x05;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JGE_K = 0x35;
    static final int RET_K = 0x06;
    private static final int MAX_JUMP = 255;

    private PeerSteering() {
    }

    /**
     * The program for one family: datagrams with a TTL of at least {@code minTtl} from one
     * of {@code peers} (4 or 16 octets each, no duplicates) go to {@link #PEERS}, the rest
     * to {@link #OTHERS}.
     */
    static Program build(boolean ipv6, int minTtl, Collection<byte[]> peers) {
        int n = peers.size();
        Program p;
        if (!ipv6) {
            p = chunked(false, minTtl, peers, Match.EXACT);
        } else if (4 + 9 * n + 1 <= MAX_INSTRUCTIONS) {
            p = exact6(minTtl, peers);
        } else {
            p = chunked(true, minTtl, peers, Match.LAST_32_BITS);
        }
        if (p.length() > MAX_INSTRUCTIONS) {
            Builder b = header(ipv6, minTtl);
            b.add(RET_K, 0, 0, PEERS);
            p = b.build(Match.TTL_ONLY, n);
        }
        return p;
    }

    /** Attaches {@code program} to the reuseport group of {@code socket}, replacing the one before. */
    static void attach(Socket socket, Program program) {
        ByteBuffer code = ByteBuffer.allocateDirect(8 * program.length()).order(ByteOrder.nativeOrder());
        for (long insn : program.instructions()) {
            code.putShort((short) (insn >>> 48)).put((byte) (insn >>> 40)).put((byte) (insn >>> 32))
                    .putInt((int) insn);
        }
        ByteBuffer fprog = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        fprog.putShort(0, (short) program.length());
        fprog.putLong(8, PlatformDependent.directBufferAddress(code));
        fprog.position(0).limit(16);
        try {
            socket.setRawOpt(SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, fprog);
        } catch (IOException e) {
            throw new IllegalStateException("SO_ATTACH_REUSEPORT_CBPF failed on " + socket + " (" + program.length()
                    + " instructions): " + e.getMessage(), e);
        }
        // The kernel copied the program during setsockopt; keep it reachable until then.
        java.lang.ref.Reference.reachabilityFence(code);
    }

    /** TTL below the minimum: the other queue. Leaves A undefined. */
    private static Builder header(boolean ipv6, int minTtl) {
        Builder b = new Builder();
        b.add(LD_B_ABS, 0, 0, SKF_NET_OFF + (ipv6 ? IPV6_HOP_LIMIT : IPV4_TTL));
        b.add(JMP_JGE_K, 1, 0, minTtl);
        b.add(RET_K, 0, 0, OTHERS);
        return b;
    }

    /**
     * IPv6, every octet: A holds the last word of the source at the start of each peer's
     * block; a block that matches the last word compares the other three and reloads A when
     * one differs.
     */
    private static Program exact6(int minTtl, Collection<byte[]> peers) {
        Builder b = header(true, minTtl);
        int last = SKF_NET_OFF + IPV6_SOURCE + 12;
        b.add(LD_W_ABS, 0, 0, last);
        for (byte[] a : peers) {
            b.add(JMP_JEQ_K, 0, 8, word(a, 3));
            b.add(LD_W_ABS, 0, 0, SKF_NET_OFF + IPV6_SOURCE);
            b.add(JMP_JEQ_K, 0, 5, word(a, 0));
            b.add(LD_W_ABS, 0, 0, SKF_NET_OFF + IPV6_SOURCE + 4);
            b.add(JMP_JEQ_K, 0, 3, word(a, 1));
            b.add(LD_W_ABS, 0, 0, SKF_NET_OFF + IPV6_SOURCE + 8);
            b.add(JMP_JEQ_K, 0, 1, word(a, 2));
            b.add(RET_K, 0, 0, PEERS);
            b.add(LD_W_ABS, 0, 0, last);
        }
        b.add(RET_K, 0, 0, OTHERS);
        return b.build(Match.EXACT, peers.size());
    }

    /**
     * One word per peer (IPv4's address, or IPv6's last 32 bits), in chunks of up to 254
     * comparisons that jump to a shared "peers" return at the end of the chunk.
     */
    private static Program chunked(boolean ipv6, int minTtl, Collection<byte[]> peers, Match match) {
        Builder b = header(ipv6, minTtl);
        b.add(LD_W_ABS, 0, 0, SKF_NET_OFF + (ipv6 ? IPV6_SOURCE + 12 : IPV4_SOURCE));
        List<byte[]> list = new ArrayList<>(peers);
        for (int from = 0; from < list.size(); from += MAX_JUMP - 1) {
            int k = Math.min(MAX_JUMP - 1, list.size() - from);
            for (int i = 0; i < k; i++) {
                b.add(JMP_JEQ_K, k - i, 0, word(list.get(from + i), ipv6 ? 3 : 0));
            }
            b.add(JMP_JA, 0, 0, 1);
            b.add(RET_K, 0, 0, PEERS);
            if (b.size() > MAX_INSTRUCTIONS) {
                break;
            }
        }
        b.add(RET_K, 0, 0, OTHERS);
        return b.build(match, peers.size());
    }

    /** The {@code i}-th 32-bit word of an address, as BPF loads it (network order). */
    private static int word(byte[] a, int i) {
        return (a[4 * i] & 0xff) << 24 | (a[4 * i + 1] & 0xff) << 16 | (a[4 * i + 2] & 0xff) << 8
                | a[4 * i + 3] & 0xff;
    }

    /** Instructions as longs: code (16 bits), jt, jf (8 each), k (32). */
    private static final class Builder {
        private final List<Long> insns = new ArrayList<>();

        void add(int code, int jt, int jf, int k) {
            if (jt > MAX_JUMP || jf > MAX_JUMP) {
                throw new IllegalStateException("BPF jump too far: " + jt + "/" + jf);
            }
            insns.add((long) (code & 0xffff) << 48 | (long) (jt & 0xff) << 40 | (long) (jf & 0xff) << 32
                    | (k & 0xffff_ffffL));
        }

        int size() {
            return insns.size();
        }

        Program build(Match match, int peers) {
            long[] a = new long[insns.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = insns.get(i);
            }
            return new Program(a, match, peers);
        }
    }
}
