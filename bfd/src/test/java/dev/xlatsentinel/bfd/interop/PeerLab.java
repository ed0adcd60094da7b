package dev.xlatsentinel.bfd.interop;

import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The topology every interop IT shares across its cases: our engine in namespace "gw",
 * the peer daemon in a second namespace, one veth pair (eth0 on both sides) with IPv4,
 * IPv6 and link-local addresses, and a loopback address on each side routed over the link
 * for multihop. Cases add and remove their own sessions on both sides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PeerLab {
    static final Duration UP = Duration.ofSeconds(15);

    final String gw4;
    final String peer4;
    final String gw6;
    final String peer6;
    final String gwLo;
    final String peerLo;
    private final String label;
    private final String peerRole;
    Lab lab;
    Netns gw;
    Netns peer;
    BfdEngine engine;
    final Listening events = new Listening();

    /** {@code subnet} (1-99) picks the addresses, so that labs never share any. */
    PeerLab(String label, String peerRole, int subnet) {
        this.label = label;
        this.peerRole = peerRole;
        gw4 = "100.64." + subnet + ".1";
        peer4 = "100.64." + subnet + ".2";
        gw6 = "2001:db8:" + subnet + "::1";
        peer6 = "2001:db8:" + subnet + "::2";
        gwLo = "100.64." + (100 + subnet) + ".1";
        peerLo = "100.64." + (100 + subnet) + ".2";
    }

    /** Starts the peer daemon in {@link #peer}. */
    abstract void startPeer();

    @BeforeAll
    final void openLab() {
        lab = Lab.open(label);
        gw = lab.netns("gw");
        peer = lab.netns(peerRole);
        lab.link(gw, "eth0", peer, "eth0");
        gw.addr("eth0", gw4 + "/24").addr("eth0", gw6 + "/64").addr("lo", gwLo + "/32");
        peer.addr("eth0", peer4 + "/24").addr("eth0", peer6 + "/64").addr("lo", peerLo + "/32");
        gw.ip("route", "add", peerLo + "/32", "via", peer4);
        peer.ip("route", "add", gwLo + "/32", "via", gw4);
        startPeer();
        engine = BfdEngine.builder().socketExecutor(gw.executor()).build().start();
        engine.addListener(events);
    }

    @AfterAll
    final void closeLab() {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            lab.close();
        }
    }

    static SessionConfig.Builder ours(String peer, String local) {
        return SessionConfig.builder().peer(peer).local(local).interval(Duration.ofMillis(50)).detectMult(3);
    }

    /** Adds our session, runs {@code check}, removes the session (AdminDown first). */
    final void withSession(SessionConfig ours, SessionCheck check) {
        BfdSession s = engine.addSession(ours);
        try {
            check.run(s);
        } finally {
            s.remove().join();
        }
    }

    @FunctionalInterface
    interface SessionCheck {
        void run(BfdSession s);
    }
}
