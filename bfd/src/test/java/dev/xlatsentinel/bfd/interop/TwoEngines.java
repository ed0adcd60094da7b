package dev.xlatsentinel.bfd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The engine's API with real sockets: two engines, one per namespace ("a" and "b"), each
 * opening its sockets through the namespace's setns thread; the lab and the helpers that
 * {@link EngineIT} and {@link HoldDownIT} share (each class runs its own lab).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoEngines {
    static final Duration UP = Duration.ofSeconds(15);
    static final int MANY = 100;

    Lab lab;
    Netns na;
    Netns nb;
    /** Engine a's event loop, so a test can keep it busy. */
    final io.netty.channel.IoEventLoopGroup aLoop = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
            io.netty.channel.epoll.EpollIoHandler.newFactory());
    BfdEngine a;
    BfdEngine b;
    final Listening eventsA = new Listening();
    final Listening eventsB = new Listening();
    final List<String> listenerThreads = new CopyOnWriteArrayList<>();

    /** The lab's name: one per test class. */
    abstract String labName();

    @BeforeAll
    void lab() {
        lab = Lab.open(labName());
        na = lab.netns("a");
        nb = lab.netns("b");
        lab.link(na, "eth0", nb, "eth0");
        na.addr("eth0", "100.64.30.1/24").addr("eth0", "2001:db8:30::1/64");
        nb.addr("eth0", "100.64.30.2/24");
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < MANY; i++) {
            batch.append("addr add 2001:db8:30::2:").append(Integer.toHexString(i + 1))
                    .append("/64 dev eth0 nodad\n");
        }
        nb.run("ip", "-batch", lab.file("many-addresses", batch.toString()).toString());
        a = BfdEngine.builder().socketExecutor(na.executor()).eventLoopGroup(aLoop).build().start();
        b = BfdEngine.builder().socketExecutor(nb.executor()).build().start();
        a.addListener(eventsA);
        a.addListener(c -> listenerThreads.add(Thread.currentThread().getName()));
        b.addListener(eventsB);
    }

    @AfterAll
    void teardown() {
        try {
            for (BfdEngine e : new BfdEngine[] {a, b}) {
                if (e != null) {
                    e.close();
                }
            }
        } finally {
            aLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            lab.close();
        }
    }

    /** Keeps engine a's event loop busy until the returned latch is counted down (or 10 s pass). */
    CountDownLatch occupyLoopOfA() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch free = new CountDownLatch(1);
        aLoop.next().execute(() -> {
            busy.countDown();
            try {
                free.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        return free;
    }

    static SessionConfig.Builder v4(String peer, String local) {
        return SessionConfig.builder().peer(peer).local(local).iface("eth0").interval(Duration.ofMillis(50));
    }

    /** A session from a to b and its mirror from b to a, over IPv4. */
    BfdSession[] pair(java.util.function.UnaryOperator<SessionConfig.Builder> extra) {
        BfdSession sa = a.addSession(extra.apply(v4("100.64.30.2", "100.64.30.1")).build());
        BfdSession sb = b.addSession(extra.apply(v4("100.64.30.1", "100.64.30.2")).build());
        return new BfdSession[] {sa, sb};
    }

    static void remove(BfdSession... sessions) {
        for (BfdSession s : sessions) {
            s.remove().join();
        }
    }

    static void awaitUp(BfdSession... sessions) {
        Poll.until(UP, "sessions Up", () -> {
            for (BfdSession s : sessions) {
                if (s.snapshot().state() != State.UP) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * The changes heard from {@code from} on, copied: the listener thread appends while the
     * test reads, and a live sub-list of a copy-on-write list throws then.
     */
    static <T> List<T> since(List<T> changes, int from) {
        List<T> now = List.copyOf(changes);
        return now.subList(from, now.size());
    }

    static void awaitHeardUp(Listening events, BfdSession s) {
        Poll.until(UP, "the listener heard " + s.key() + " come Up", () -> {
            List<State> states = events.statesOf(s.key());
            return !states.isEmpty() && states.get(states.size() - 1) == State.UP;
        });
    }
}
