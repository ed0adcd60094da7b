package dev.xlatsentinel.bfd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.auth.Secret;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.lab.Bird;
import dev.xlatsentinel.lab.Poll;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our engine in namespace "gw" against BIRD in namespace "bird", over one veth pair shared
 * by every case. Each case reconfigures BIRD with the neighbors it needs and removes its own
 * sessions. BIRD shows state and intervals, not diagnostics. One IT per BIRD of the router
 * matrix runs these cases: {@link BirdInteropIT} (Debian 12's 2.0.12),
 * {@link Bird2Debian13InteropIT} (2.17), {@link Bird3Debian13InteropIT} (3.1).
 */
abstract class BirdInterop extends PeerLab {
    private final Bird.Build build;
    private Bird bird;

    BirdInterop(Bird.Build build, int subnet) {
        super("bfd-bird", "bird", subnet);
        this.build = build;
    }

    @Override
    void startPeer() {
        bird = Bird.start(peer, config("", ""), build);
    }

    /** A BIRD config with {@code ifaceOptions} in the eth0 block and {@code neighbors}. */
    private static String config(String ifaceOptions, String neighbors) {
        return """
                router id 10.255.0.2;
                protocol device {}
                protocol bfd {
                  interface "eth0" {
                    min rx interval 50 ms; min tx interval 50 ms; multiplier 3;
                    %s
                  };
                  multihop { min rx interval 50 ms; min tx interval 50 ms; multiplier 3; };
                  %s
                }
                """.formatted(ifaceOptions, neighbors);
    }

    private Optional<Bird.BfdSessionRow> row(String address) {
        return bird.bfdSession(address);
    }

    private String birdState(String address) {
        return row(address).map(Bird.BfdSessionRow::state).orElse("absent");
    }

    private void awaitBothUp(BfdSession s, String birdSeesUs) {
        Poll.until(UP, Duration.ofMillis(50), "session Up on both sides",
                () -> s.snapshot().state() == State.UP && birdState(birdSeesUs).equals("Up"),
                () -> s.snapshot() + "\nBIRD: " + bird.birdc("show bfd sessions"));
    }

    /** BIRD 2.0.12 keeps an interface's old authentication across "configure": restart the protocol. */
    private void birdConfig(String ifaceOptions, String neighbors) {
        bird.reconfigure(config(ifaceOptions, neighbors));
        bird.birdc("restart bfd1");
    }

    private void withSessions(String ifaceOptions, String neighbor, SessionConfig ours, SessionCheck check) {
        birdConfig(ifaceOptions, neighbor);
        try {
            withSession(ours, check);
        } finally {
            birdConfig("", "");
        }
    }

    private static String neighbor(String us, String them) {
        return "neighbor " + us + " dev \"eth0\" local " + them + ";";
    }

    @Test
    void upOverIpv4SingleHopWithIntervalsAsBirdShowsThem() {
        withSessions("", neighbor(gw4, peer4), ours(peer4, gw4).iface("eth0").build(), s -> {
            awaitBothUp(s, gw4);
            Poll.until(UP, "BIRD's poll settled", () -> row(gw4).get().interval().equals("0.050"));
            Bird.BfdSessionRow r = row(gw4).get();
            SessionSnapshot snap = s.snapshot();
            assertThat(r.interval()).as("BIRD sends every max(50, our rx 50) ms").isEqualTo("0.050");
            assertThat(r.timeout()).as("3 x max(its rx 50, our tx 50)").isEqualTo("0.150");
            assertThat(snap.timers().txInterval()).isEqualTo(Duration.ofMillis(50));
            assertThat(snap.timers().detectionTime()).isEqualTo(Duration.ofMillis(150));
        });
    }

    @Test
    void upOverIpv6SingleHop() {
        withSessions("", neighbor(gw6, peer6), ours(peer6, gw6).iface("eth0").build(), s -> awaitBothUp(s, gw6));
    }

    @Test
    void upOverIpv6LinkLocal() {
        String gwLl = gw.linkLocal("eth0");
        String birdLl = peer.linkLocal("eth0");
        withSessions("", neighbor(gwLl, birdLl), ours(birdLl, gwLl).iface("eth0").build(), s -> awaitBothUp(s, gwLl));
    }

    @Test
    void upWithBirdPassive() {
        withSessions("passive on;", neighbor(gw4, peer4), ours(peer4, gw4).iface("eth0").build(),
                s -> awaitBothUp(s, gw4));
    }

    @Test
    void upWithUsPassive() {
        withSessions("", neighbor(gw4, peer4), ours(peer4, gw4).iface("eth0").passive(true).build(),
                s -> awaitBothUp(s, gw4));
    }

    /**
     * BIRD sends multihop packets with the system's default TTL (64), not 255, so the
     * session's minimum TTL (RFC 5883 §5) must allow it; with our default of 254 the kernel
     * filter drops them.
     */
    @Test
    void upOverIpv4MultihopWithAMinimumTtlBelowBirdsDefaultTtl() {
        withSessions("", "neighbor " + gwLo + " local " + peerLo + " multihop on;",
                ours(peerLo, gwLo).hop(HopMode.MULTI_HOP).minTtl(60).build(), s -> awaitBothUp(s, gwLo));
    }

    @Test
    void multihopPacketsBelowTheMinimumTtlNeverReachTheSession() {
        withSessions("", "neighbor " + gwLo + " local " + peerLo + " multihop on;",
                ours(peerLo, gwLo).hop(HopMode.MULTI_HOP).build(), s -> {
                    Poll.until(UP, "BIRD answers our Down with Init", () -> birdState(gwLo).equals("Init"));
                    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                    while (System.nanoTime() < until) {
                        assertThat(s.snapshot().counter(Counter.RX_PACKETS)).as("TTL 64 < 254: filtered").isZero();
                    }
                });
    }

    @Test
    void runtimeIntervalChangeGoesThroughAPollWithoutAFlap() {
        withSessions("", neighbor(gw4, peer4), ours(peer4, gw4).iface("eth0").build(), s -> {
            awaitBothUp(s, gw4);
            int before = events.statesOf(s.key()).size();
            s.updateTimers(Duration.ofMillis(200), Duration.ofMillis(200), 3).join();
            Poll.until(UP, Duration.ofMillis(50), "BIRD sends at our new rx", () -> row(gw4).get().interval().equals("0.200")
                    && row(gw4).get().timeout().equals("0.600"), () -> bird.birdc("show bfd sessions"));
            assertThat(s.snapshot().timers().txInterval()).isEqualTo(Duration.ofMillis(200));
            assertThat(events.statesOf(s.key())).hasSize(before);
            assertThat(birdState(gw4)).isEqualTo("Up");
        });
    }

    @Test
    void holdDownTakesBirdDownAndKeepsItFromUpUntilRelease() {
        withSessions("", neighbor(gw4, peer4), ours(peer4, gw4).iface("eth0").build(), s -> {
            awaitBothUp(s, gw4);
            s.holdDown(Diagnostic.PATH_DOWN).join();
            Poll.until(Duration.ofSeconds(10), "BIRD leaves Up", () -> !birdState(gw4).equals("Up"));
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                assertThat(birdState(gw4)).isNotEqualTo("Up");
            }
            s.release().join();
            awaitBothUp(s, gw4);
        });
    }

    private static String birdAuth(AuthType t) {
        return switch (t) {
            case SIMPLE_PASSWORD -> "simple";
            case KEYED_MD5 -> "keyed md5";
            case METICULOUS_KEYED_MD5 -> "meticulous keyed md5";
            case KEYED_SHA1 -> "keyed sha1";
            case METICULOUS_KEYED_SHA1 -> "meticulous keyed sha1";
            case NONE -> "none";
        };
    }

    @ParameterizedTest
    @CsvSource({"SIMPLE_PASSWORD", "KEYED_MD5", "METICULOUS_KEYED_MD5", "KEYED_SHA1", "METICULOUS_KEYED_SHA1"})
    void authenticatedSessionComesUp(AuthType type) {
        String opts = "authentication " + birdAuth(type) + "; password \"s3cret-key\" { id 7; };";
        withSessions(opts, neighbor(gw4, peer4),
                ours(peer4, gw4).iface("eth0").auth(type, 7, Secret.of("s3cret-key")).build(), s -> {
                    awaitBothUp(s, gw4);
                    SessionSnapshot snap = s.snapshot();
                    assertThat(snap.auth().type()).isEqualTo(type);
                    assertThat(snap.counters().entrySet().stream()
                            .filter(e -> e.getKey().label().startsWith("drop-auth")).mapToLong(e -> e.getValue()).sum())
                            .isZero();
                    assertThat(snap.toString()).doesNotContain("s3cret-key");
                });
    }

    @Test
    void wrongKeyKeepsTheSessionDownAndIsCounted() {
        String opts = "authentication keyed sha1; password \"right-key\" { id 7; };";
        withSessions(opts, neighbor(gw4, peer4),
                ours(peer4, gw4).iface("eth0").auth(AuthType.KEYED_SHA1, 7, Secret.of("wrong-key")).build(), s -> {
                    Poll.until(UP, "BIRD's packets refused", () -> s.snapshot().counter(Counter.DROP_AUTH_DIGEST) >= 2);
                    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (System.nanoTime() < until) {
                        assertThat(s.snapshot().state()).isEqualTo(State.DOWN);
                        assertThat(birdState(gw4)).isNotEqualTo("Up");
                    }
                    assertThat(s.snapshot().counter(Counter.RX_PACKETS)).isZero();
                });
    }
}
