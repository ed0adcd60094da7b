package dev.xlatsentinel.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.ReceiveQueue;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.session.WireAddress;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The two receive queues with the kernel's own steering: datagrams sent from a second
 * namespace over a veth, from a configured peer and from a stranger on the same link, with
 * the GTSM TTL and below it. The stranger's datagrams and the peer's low-TTL ones land in the
 * other queue, the peer's in the peers' queue, a burst overflows only the other queue, and
 * the counts are what status shows. The burst runs last: what it leaves in the other queue
 * would blur the exact counts of the other cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReceiveQueuesIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static final String GW6 = "2001:db8:41::1";
    private static final String PEER6 = "2001:db8:41::2";
    private static final String STRANGER6 = "2001:db8:41::99";
    private static final String GW4 = "100.64.41.1";
    private static final String PEER4 = "100.64.41.2";
    private static final String STRANGER4 = "100.64.41.99";

    private Lab lab;
    private Netns gw;
    private Netns far;
    private BfdEngine engine;

    @BeforeAll
    void lab() {
        lab = Lab.open("bfd-queues");
        gw = lab.netns("gw");
        far = lab.netns("far");
        lab.link(gw, "eth0", far, "eth0");
        gw.addr("eth0", GW6 + "/64").addr("eth0", GW4 + "/24");
        far.addr("eth0", PEER6 + "/64").addr("eth0", STRANGER6 + "/64").addr("eth0", PEER4 + "/24")
                .addr("eth0", STRANGER4 + "/24");
        ttl(255);
        engine = BfdEngine.builder().socketExecutor(gw.executor()).build().start();
        engine.addSession(passive(PEER6, GW6));
        engine.addSession(passive(PEER4, GW4));
        Poll.until(T, "the steering program admits the peers",
                () -> engine.receiveQueues().stream().allMatch(q -> q.peers() == 1));
    }

    @AfterAll
    void teardown() {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            lab.close();
        }
    }

    private static SessionConfig passive(String peer, String local) {
        return SessionConfig.builder().peer(peer).local(local).interval(Duration.ofMillis(100)).detectMult(3)
                .passive(true).build();
    }

    /** The TTL / hop limit the far namespace sends with (read by the kernel at each send). */
    private void ttl(int ttl) {
        far.sysctl("net.ipv6.conf.eth0.hop_limit", Integer.toString(ttl));
        far.sysctl("net.ipv4.ip_default_ttl", Integer.toString(ttl));
    }

    /** Sends {@code count} datagrams of 24 random octets from {@code from} to the BFD port of {@code to}. */
    private long send(String from, String to, int count) {
        return far.call(() -> {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
                InetSocketAddress dst = new InetSocketAddress(InetAddress.getByName(to), HopMode.SINGLE_HOP.port());
                ByteBuffer b = ByteBuffer.allocate(24);
                java.util.SplittableRandom r = new java.util.SplittableRandom(count);
                long sent = 0;
                for (int i = 0; i < count; i++) {
                    b.clear();
                    while (b.hasRemaining()) {
                        b.put((byte) r.nextInt(256));
                    }
                    b.flip();
                    sent += ch.send(b, dst) > 0 ? 1 : 0;
                }
                return sent;
            }
        });
    }

    private ReceiveQueue queue(String family, String queue) {
        return engine.receiveQueues().stream().filter(q -> q.family().equals(family) && q.queue().equals(queue)
                && q.hop() == HopMode.SINGLE_HOP).findFirst().orElseThrow();
    }

    private void assertLands(String from, String to, String family, String expectedQueue, int count) {
        String otherQueue = expectedQueue.equals("peers") ? "others" : "peers";
        long into = queue(family, expectedQueue).received();
        long notInto = queue(family, otherQueue).received();
        send(from, to, count);
        Poll.until(T, Poll.DEFAULT_EVERY, count + " datagrams from " + from + " in the " + expectedQueue + " queue",
                () -> queue(family, expectedQueue).received() == into + count, () -> engine.receiveQueues().toString());
        assertThat(queue(family, otherQueue).received()).as("none in the " + otherQueue + " queue")
                .isEqualTo(notInto);
    }

    @Test
    @Order(1)
    void aStrangersDatagramsWaitInTheOtherQueueAndThePeersInTheirOwn() {
        assertLands(STRANGER6, GW6, "ipv6", "others", 50);
        assertLands(PEER6, GW6, "ipv6", "peers", 50);
        assertLands(STRANGER4, GW4, "ipv4", "others", 50);
        assertLands(PEER4, GW4, "ipv4", "peers", 50);
        assertThat(queue("ipv6", "peers").match()).isEqualTo("exact");
        // Random octets are junk wherever they wait: counted by the reason the core drops them.
        long drops = engine.counters().entrySet().stream().filter(e -> e.getKey().isDrop())
                .mapToLong(java.util.Map.Entry::getValue).sum();
        assertThat(drops).isGreaterThanOrEqualTo(200);
        assertThat(engine.counters().get(Counter.RX_PACKETS)).isZero();
    }

    @Test
    @Order(2)
    void aPeersDatagramsBelowTheGtsmTtlWaitInTheOtherQueue() {
        ttl(254);
        try {
            assertLands(PEER6, GW6, "ipv6", "others", 20);
            assertLands(PEER4, GW4, "ipv4", "others", 20);
        } finally {
            ttl(255);
        }
    }

    @Test
    @Order(4)
    void aBurstFromAStrangerOverflowsOnlyTheOtherQueue() {
        long peersBefore = queue("ipv6", "peers").received();
        long peersDropped = queue("ipv6", "peers").dropped();
        long othersBefore = queue("ipv6", "others").received() + queue("ipv6", "others").dropped();
        long othersReadBefore = queue("ipv6", "others").received();
        long sent = send(STRANGER6, GW6, 50_000);
        send(PEER6, GW6, 10);
        Poll.until(T, "the peer's 10 datagrams read", () -> queue("ipv6", "peers").received() == peersBefore + 10);
        ReceiveQueue others = queue("ipv6", "others");
        assertThat(others.dropped()).as("the other queue overflowed in the kernel").isPositive();
        assertThat(others.received() + others.dropped() - othersBefore).as("read or dropped, never more than sent")
                .isLessThanOrEqualTo(sent).isPositive();
        assertThat(queue("ipv6", "peers").dropped()).as("the peers' queue lost nothing").isEqualTo(peersDropped);
        assertThat(others.received() - othersReadBefore).as("reading went on after the first pause")
                .isGreaterThan(2L * ReceiveSocket.OTHERS_BUDGET);
    }

    /**
     * The largest programs the builder makes are accepted by the kernel and steer as built:
     * 4000 IPv6 peers compared by their last 32 bits, 4000 IPv4 peers exactly, and the TTL
     * alone beyond that.
     */
    @Test
    @Order(3)
    void theKernelTakesTheLargestProgramsAndTheySteerAsBuilt() throws Exception {
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        AtomicLong peers = new AtomicLong();
        AtomicLong others = new AtomicLong();
        List<ReceiveSocket> sockets = new ArrayList<>();
        try {
            IoEventLoop loop = (IoEventLoop) group.next();
            for (boolean ipv6 : new boolean[] {true, false}) {
                // A port of its own, so the engine's queues are not involved.
                UdpTransport.Receiver count = new UdpTransport.Receiver() {
                    @Override
                    public void datagram(byte[] buf, int length, HopMode hop, WireAddress src, WireAddress dst,
                            int ttl) {
                        (src.toString().equals(ipv6 ? PEER6 : PEER4) ? peers : others).incrementAndGet();
                    }

                    @Override
                    public void batchDone() {
                    }

                    @Override
                    public void txError(dev.xlatsentinel.bfd.session.Session s) {
                    }
                };
                for (PeerSteering.Match match : PeerSteering.Match.values()) {
                    peers.set(0);
                    others.set(0);
                    List<byte[]> addresses = new ArrayList<>();
                    addresses.add(InetAddress.getByName(ipv6 ? PEER6 : PEER4).getAddress());
                    int n = match == PeerSteering.Match.TTL_ONLY ? 4100 : 3999;
                    for (int i = 0; i < n; i++) {
                        byte[] a = InetAddress.getByName(ipv6 ? "2001:db8:77::a:" + Integer.toHexString(i + 1)
                                : "100.65." + (i >> 8) + "." + (i & 0xff)).getAddress();
                        addresses.add(a);
                    }
                    PeerSteering.Program p = PeerSteering.build(ipv6, 255, addresses);
                    if (p.match() != match) {
                        continue; // IPv4 has no last-32-bits program: its addresses are 32 bits.
                    }
                    ReceiveSocket[] pair = gw.call(() -> new ReceiveSocket[] {
                            ReceiveSocket.open(ipv6, HopMode.MULTI_HOP, ReceiveSocket.Queue.PEERS, 255, 1 << 20, count),
                            ReceiveSocket.open(ipv6, HopMode.MULTI_HOP, ReceiveSocket.Queue.OTHERS, 255, 1 << 20,
                                    count)});
                    sockets.addAll(List.of(pair));
                    pair[0].register(loop);
                    pair[1].register(loop);
                    pair[0].steer(p);
                    sendTo(ipv6 ? PEER6 : PEER4, ipv6 ? GW6 : GW4, 5);
                    sendTo(ipv6 ? STRANGER6 : STRANGER4, ipv6 ? GW6 : GW4, 5);
                    Poll.until(T, match + " program: 10 datagrams read", () -> pair[0].received()
                            + pair[1].received() == 10);
                    int strangersToPeers = match == PeerSteering.Match.TTL_ONLY ? 5 : 0;
                    assertThat(pair[0].received()).as(match + ": peers' queue").isEqualTo(5 + strangersToPeers);
                    pair[0].close();
                    pair[1].close();
                }
            }
        } finally {
            sockets.forEach(ReceiveSocket::close);
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }

    private void sendTo(String from, String to, int count) {
        far.call(() -> {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
                for (int i = 0; i < count; i++) {
                    ch.send(ByteBuffer.wrap(new byte[24]),
                            new InetSocketAddress(InetAddress.getByName(to), HopMode.MULTI_HOP.port()));
                }
            }
            return null;
        });
    }
}
