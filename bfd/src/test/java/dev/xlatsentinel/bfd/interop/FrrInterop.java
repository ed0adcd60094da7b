package dev.xlatsentinel.bfd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.lab.Frr;
import dev.xlatsentinel.lab.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Our engine in namespace "gw" against FRR's bfdd in namespace "frr", over one veth pair,
 * shared by every case (each case adds and removes its own sessions on both sides). One IT
 * per FRR of the router matrix runs these cases: {@link FrrInteropIT} (Debian 12's 8.4) and
 * {@link Frr10Debian13InteropIT} (10.3, with its mgmtd). There is no authentication case:
 * FRR's bfdd (8.4, 10.3) has no BFD authentication (its config takes no key), so
 * authentication interop runs against BIRD.
 */
abstract class FrrInterop extends PeerLab {
    private final Frr.Build build;
    private Frr frr;

    FrrInterop(Frr.Build build, int subnet) {
        super("bfd-frr", "frr", subnet);
        this.build = build;
    }

    @Override
    void startPeer() {
        frr = Frr.start(peer, build, "", "bfdd");
    }

    private void frrPeer(String peerLine, String... settings) {
        StringBuilder c = new StringBuilder("bfd\n " + peerLine + "\n");
        for (String s : settings) {
            c.append("  ").append(s).append('\n');
        }
        c.append(" !\n!\n");
        frr.applyConfig(c.toString());
    }

    private void noFrrPeer(String peerLine) {
        frr.vtysh("configure terminal", "bfd", "no " + peerLine).orThrow();
    }

    /** FRR's view of its one peer to {@code address}. */
    private JsonNode frrPeerJson(String address) {
        for (JsonNode p : frr.json("show bfd peers json")) {
            if (p.get("peer").asText().equals(address)) {
                return p;
            }
        }
        return null;
    }

    private String frrStatus(String address) {
        JsonNode p = frrPeerJson(address);
        return p == null ? "absent" : p.get("status").asText();
    }

    private void awaitBothUp(BfdSession s, String frrSeesUs) {
        Poll.until(UP, Duration.ofMillis(50), "session Up on both sides",
                () -> s.snapshot().state() == State.UP && frrStatus(frrSeesUs).equals("up"),
                () -> s.snapshot() + "\nFRR: " + frrPeerJson(frrSeesUs));
    }

    private String frrLine(String us, String them, boolean multihop, String iface) {
        return "peer " + us + (multihop ? " multihop" : "") + " local-address " + them
                + (iface == null ? "" : " interface " + iface);
    }

    /** Adds the FRR peer and our session, runs {@code check}, removes both. */
    private void withSessions(String frrLine, String[] frrSettings, SessionConfig ours, SessionCheck check) {
        frrPeer(frrLine, frrSettings);
        try {
            withSession(ours, check);
        } finally {
            noFrrPeer(frrLine);
        }
    }

    private static final String[] FAST = {"receive-interval 50", "transmit-interval 50"};

    @Test
    void upOverIpv4SingleHopBothActive() {
        withSessions(frrLine(gw4, peer4, false, "eth0"), FAST, ours(peer4, gw4).iface("eth0").build(), s -> {
            awaitBothUp(s, gw4);
            SessionSnapshot snap = s.snapshot();
            JsonNode p = frrPeerJson(gw4);
            assertThat(p.get("remote-id").asLong()).isEqualTo(snap.localDiscriminator());
            assertThat(p.get("id").asLong()).isEqualTo(snap.remote().discriminator());
            assertThat(snap.sourcePort()).isBetween(49152, 65535);
        });
    }

    @Test
    void upOverIpv6SingleHop() {
        withSessions(frrLine(gw6, peer6, false, "eth0"), FAST, ours(peer6, gw6).iface("eth0").build(),
                s -> awaitBothUp(s, gw6));
    }

    @Test
    void upOverIpv6LinkLocal() {
        String gwLl = gw.linkLocal("eth0");
        String frrLl = peer.linkLocal("eth0");
        withSessions(frrLine(gwLl, frrLl, false, "eth0"), FAST, ours(frrLl, gwLl).iface("eth0").build(),
                s -> awaitBothUp(s, gwLl));
    }

    @Test
    void upWithFrrPassive() {
        withSessions(frrLine(gw4, peer4, false, "eth0"),
                new String[] {"receive-interval 50", "transmit-interval 50", "passive-mode"},
                ours(peer4, gw4).iface("eth0").build(), s -> {
                    awaitBothUp(s, gw4);
                    assertThat(frrPeerJson(gw4).get("passive-mode").asBoolean()).isTrue();
                });
    }

    @Test
    void upWithUsPassive() {
        withSessions(frrLine(gw4, peer4, false, "eth0"), FAST, ours(peer4, gw4).iface("eth0").passive(true).build(),
                s -> awaitBothUp(s, gw4));
    }

    @Test
    void upOverIpv4Multihop() {
        withSessions(frrLine(gwLo, peerLo, true, null),
                new String[] {"receive-interval 50", "transmit-interval 50", "minimum-ttl 254"},
                ours(peerLo, gwLo).hop(HopMode.MULTI_HOP).minTtl(254).build(), s -> {
                    awaitBothUp(s, gwLo);
                    assertThat(frrPeerJson(gwLo).get("multihop").asBoolean()).isTrue();
                });
    }

    /** Ours: tx 100, rx 200; FRR: tx 300, rx 60. Each side sends at the slower of its tx and the other's rx. */
    @Test
    void negotiatedIntervalsAreWhatBothSidesReport() {
        withSessions(frrLine(gw4, peer4, false, "eth0"), new String[] {"receive-interval 60", "transmit-interval 300"},
                ours(peer4, gw4).iface("eth0").desiredMinTx(Duration.ofMillis(100))
                        .requiredMinRx(Duration.ofMillis(200)).build(), s -> {
                    awaitBothUp(s, gw4);
                    Poll.until(UP, "poll sequences settled", () -> !s.snapshot().timers().pollInProgress()
                            && frrPeerJson(gw4).get("remote-transmit-interval").asInt() == 100);
                    SessionSnapshot snap = s.snapshot();
                    JsonNode p = frrPeerJson(gw4);
                    assertThat(p.get("remote-transmit-interval").asInt()).isEqualTo(100);
                    assertThat(p.get("remote-receive-interval").asInt()).isEqualTo(200);
                    assertThat(p.get("remote-detect-multiplier").asInt()).isEqualTo(3);
                    assertThat(snap.remote().desiredMinTx()).isEqualTo(Duration.ofMillis(300));
                    assertThat(snap.remote().requiredMinRx()).isEqualTo(Duration.ofMillis(60));
                    assertThat(snap.timers().txInterval()).as("max(100, 60)").isEqualTo(Duration.ofMillis(100));
                    assertThat(snap.timers().rxInterval()).as("max(200, 300)").isEqualTo(Duration.ofMillis(300));
                    assertThat(snap.timers().detectionTime()).as("3 x 300").isEqualTo(Duration.ofMillis(900));
                });
    }

    @Test
    void runtimeIntervalChangeGoesThroughAPollWithoutAFlap() {
        withSessions(frrLine(gw4, peer4, false, "eth0"), FAST, ours(peer4, gw4).iface("eth0").build(), s -> {
            awaitBothUp(s, gw4);
            long polls = s.snapshot().counter(dev.xlatsentinel.bfd.Counter.POLL_SEQUENCES);
            int before = events.statesOf(s.key()).size();
            s.updateTimers(Duration.ofMillis(200), Duration.ofMillis(150), 4).join();
            Poll.until(UP, "FRR sees the new timers", () -> {
                JsonNode p = frrPeerJson(gw4);
                return p.get("remote-transmit-interval").asInt() == 200
                        && p.get("remote-receive-interval").asInt() == 150
                        && p.get("remote-detect-multiplier").asInt() == 4 && !s.snapshot().timers().pollInProgress();
            });
            SessionSnapshot snap = s.snapshot();
            assertThat(snap.counter(dev.xlatsentinel.bfd.Counter.POLL_SEQUENCES)).isGreaterThan(polls);
            assertThat(snap.timers().txInterval()).isEqualTo(Duration.ofMillis(200));
            assertThat(snap.state()).isEqualTo(State.UP);
            assertThat(events.statesOf(s.key())).hasSize(before);
            assertThat(frrStatus(gw4)).isEqualTo("up");
        });
    }

    @Test
    void holdDownShowsPathDownAtThePeerAndKeepsItFromUpUntilRelease() {
        withSessions(frrLine(gw4, peer4, false, "eth0"), FAST, ours(peer4, gw4).iface("eth0").build(), s -> {
            awaitBothUp(s, gw4);
            s.holdDown(Diagnostic.PATH_DOWN).join();
            Poll.until(Duration.ofSeconds(10), Duration.ofMillis(10), "FRR sees Down with path down", () -> {
                JsonNode p = frrPeerJson(gw4);
                return !p.get("status").asText().equals("up")
                        && p.get("remote-diagnostic").asText().equals("path down");
            }, () -> String.valueOf(frrPeerJson(gw4)));
            // Held: the peer goes Down, then Init, and never Up. Watch for 4 s (> 3 slow intervals).
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                assertThat(frrStatus(gw4)).isNotEqualTo("up");
                assertThat(s.snapshot().state()).isEqualTo(State.DOWN);
            }
            assertThat(s.snapshot().heldDown()).isTrue();
            s.release().join();
            awaitBothUp(s, gw4);
        });
    }

    @Test
    void ourSilenceTakesThePeerDownAfterItsDetectionTime() {
        withSessions(frrLine(gw4, peer4, false, "eth0"), FAST, ours(peer4, gw4).iface("eth0").build(), s -> {
            awaitBothUp(s, gw4);
            gw.run("nft", "add table inet silence");
            gw.run("nft", "add chain inet silence out { type filter hook output priority 0 ; }");
            gw.run("nft", "add rule inet silence out udp dport 3784 drop");
            try {
                Poll.until(Duration.ofSeconds(10), Duration.ofMillis(10), "FRR times out",
                        () -> frrPeerJson(gw4).get("diagnostic").asText().equals("control detection time expired"),
                        () -> String.valueOf(frrPeerJson(gw4)));
                assertThat(frrStatus(gw4)).isNotEqualTo("up");
            } finally {
                gw.run("nft", "delete table inet silence");
            }
            awaitBothUp(s, gw4);
        });
    }

    /** RFC 5881 §4-5 on the wire, as tcpdump in FRR's namespace sees our packets. */
    @Test
    void packetsLeaveWithTtl255AndCs6FromAnEphemeralSourcePort() {
        withSessions(frrLine(gw6, peer6, false, "eth0"), FAST, ours(peer6, gw6).iface("eth0").build(), s6 -> {
            awaitBothUp(s6, gw6);
            withSessions(frrLine(gw4, peer4, false, "eth0"), FAST, ours(peer4, gw4).iface("eth0").build(), s4 -> {
                awaitBothUp(s4, gw4);
                String v4 = capture("src host " + gw4);
                assertThat(v4).contains("tos 0xc0").contains("ttl 255")
                        .contains(gw4 + "." + s4.snapshot().sourcePort() + " > " + peer4 + ".3784");
                String v6 = capture("src host " + gw6);
                assertThat(v6).contains("class 0xc0").contains("hlim 255")
                        .contains(gw6 + "." + s6.snapshot().sourcePort() + " > " + peer6 + ".3784");
            });
        });
    }

    private String capture(String filter) {
        return peer.exec(Duration.ofSeconds(10), "timeout", "5", "tcpdump", "-c", "1", "-v", "-n", "-i", "eth0",
                "udp dst port 3784 and " + filter).stdout();
    }
}
