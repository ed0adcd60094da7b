package dev.xlatsentinel.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The steering programs, run by a small classic-BPF interpreter over IPv4 and IPv6 headers
 * (the instructions the builder emits, nothing more); the kernel runs them in
 * {@code ReceiveQueuesIT}. Each program must fit the kernel's limits and send exactly the
 * configured peers with the GTSM TTL to the peers' queue.
 */
class PeerSteeringTest {
    private static final int SKF_NET_OFF = -0x100000;

    /** Runs {@code p} on a network header; returns the queue index. */
    static int run(PeerSteering.Program p, byte[] header) {
        long[] code = p.instructions();
        int a = 0;
        for (int pc = 0; pc < code.length; pc++) {
            int op = (int) (code[pc] >>> 48) & 0xffff;
            int jt = (int) (code[pc] >>> 40) & 0xff;
            int jf = (int) (code[pc] >>> 32) & 0xff;
            int k = (int) code[pc];
            switch (op) {
                case PeerSteering.LD_B_ABS -> a = header[k - SKF_NET_OFF] & 0xff;
                case PeerSteering.LD_W_ABS -> {
                    int o = k - SKF_NET_OFF;
                    a = (header[o] & 0xff) << 24 | (header[o + 1] & 0xff) << 16 | (header[o + 2] & 0xff) << 8
                            | header[o + 3] & 0xff;
                }
                case PeerSteering.JMP_JEQ_K -> pc += a == k ? jt : jf;
                case PeerSteering.JMP_JGE_K -> pc += Integer.toUnsignedLong(a) >= Integer.toUnsignedLong(k) ? jt : jf;
                case PeerSteering.JMP_JA -> pc += k;
                case PeerSteering.RET_K -> {
                    return k;
                }
                default -> throw new AssertionError("unexpected opcode " + op + " at " + pc);
            }
        }
        throw new AssertionError("ran off the end of the program");
    }

    static byte[] ipv6(byte[] source, int hopLimit) {
        byte[] h = new byte[40];
        h[0] = 0x60;
        h[7] = (byte) hopLimit;
        System.arraycopy(source, 0, h, 8, 16);
        return h;
    }

    static byte[] ipv4(byte[] source, int ttl) {
        byte[] h = new byte[20];
        h[0] = 0x45;
        h[8] = (byte) ttl;
        System.arraycopy(source, 0, h, 12, 4);
        return h;
    }

    /** {@code n} distinct addresses in one /64 (or /16), as a gateway's routers would be. */
    private static List<byte[]> peers(boolean ipv6, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (out.size() < n) {
            byte[] a = new byte[ipv6 ? 16 : 4];
            if (ipv6) {
                a[0] = 0x20;
                a[1] = 0x01;
                a[2] = 0x0d;
                a[3] = (byte) 0xb8;
                for (int i = 8; i < 16; i++) {
                    a[i] = (byte) r.nextInt(256);
                }
            } else {
                a[0] = 100;
                a[1] = 64;
                a[2] = (byte) r.nextInt(256);
                a[3] = (byte) r.nextInt(256);
            }
            if (seen.add(java.util.HexFormat.of().formatHex(a))) {
                out.add(a);
            }
        }
        return out;
    }

    private static void assertSteers(boolean ipv6, int n, PeerSteering.Match expected) {
        List<byte[]> all = peers(ipv6, n + 200, n);
        List<byte[]> configured = all.subList(0, n);
        List<byte[]> strangers = all.subList(n, all.size());
        PeerSteering.Program p = PeerSteering.build(ipv6, 255, configured);
        assertThat(p.match()).isEqualTo(expected);
        assertThat(p.length()).isLessThanOrEqualTo(PeerSteering.MAX_INSTRUCTIONS);
        for (byte[] a : configured) {
            byte[] ok = ipv6 ? ipv6(a, 255) : ipv4(a, 255);
            assertThat(run(p, ok)).as("a peer with TTL 255").isEqualTo(PeerSteering.PEERS);
            byte[] low = ipv6 ? ipv6(a, 254) : ipv4(a, 254);
            assertThat(run(p, low)).as("a peer with TTL 254").isEqualTo(PeerSteering.OTHERS);
        }
        for (byte[] a : strangers) {
            int expectedQueue = expected == PeerSteering.Match.TTL_ONLY ? PeerSteering.PEERS : PeerSteering.OTHERS;
            assertThat(run(p, ipv6 ? ipv6(a, 255) : ipv4(a, 255))).as("a stranger").isEqualTo(expectedQueue);
        }
    }

    @Test
    void withoutPeersEverythingGoesToTheOtherQueue() {
        byte[] any = new byte[16];
        any[15] = 1;
        assertThat(run(PeerSteering.build(true, 255, List.of()), ipv6(any, 255))).isEqualTo(PeerSteering.OTHERS);
        assertThat(run(PeerSteering.build(false, 255, List.of()), ipv4(new byte[] {10, 0, 0, 1}, 255)))
                .isEqualTo(PeerSteering.OTHERS);
    }

    @Test
    void aFewPeersAreComparedOctetByOctet() {
        assertSteers(true, 3, PeerSteering.Match.EXACT);
        assertSteers(false, 3, PeerSteering.Match.EXACT);
    }

    @Test
    void anIpv6StrangerSharingAPeersLast32BitsGoesToTheOtherQueueWhileTheyAreComparedExactly() {
        byte[] peer = peers(true, 1, 1).get(0);
        byte[] twin = peer.clone();
        twin[9] ^= 1;
        PeerSteering.Program p = PeerSteering.build(true, 255, List.of(peer));
        assertThat(run(p, ipv6(peer, 255))).isEqualTo(PeerSteering.PEERS);
        assertThat(run(p, ipv6(twin, 255))).isEqualTo(PeerSteering.OTHERS);
    }

    @Test
    void manyIpv6PeersFallBackToTheirLast32BitsAndManyIpv4PeersStayExact() {
        assertSteers(true, 454, PeerSteering.Match.EXACT);
        assertSteers(true, 455, PeerSteering.Match.LAST_32_BITS);
        assertSteers(true, 4000, PeerSteering.Match.LAST_32_BITS);
        assertSteers(false, 4000, PeerSteering.Match.EXACT);
    }

    @Test
    void beyondWhatAProgramHoldsOnlyTheTtlSeparatesTheQueues() {
        assertSteers(true, 4100, PeerSteering.Match.TTL_ONLY);
        assertSteers(false, 4100, PeerSteering.Match.TTL_ONLY);
    }

    @Test
    void multihopMinimumTtlIsTheBoundary() {
        byte[] peer = peers(false, 1, 2).get(0);
        PeerSteering.Program p = PeerSteering.build(false, 64, List.of(peer));
        assertThat(run(p, ipv4(peer, 64))).isEqualTo(PeerSteering.PEERS);
        assertThat(run(p, ipv4(peer, 63))).isEqualTo(PeerSteering.OTHERS);
    }
}
