package dev.xlatsentinel.frr.bfdd;

import static dev.xlatsentinel.frr.lab.GatewayLab.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.frr.config.DesiredState.Outcome;
import dev.xlatsentinel.frr.config.RunningConfig;
import dev.xlatsentinel.frr.lab.GatewayLab;
import dev.xlatsentinel.frr.vty.CommandRejected;
import dev.xlatsentinel.frr.vty.VtyEndpoint;
import dev.xlatsentinel.frr.vty.VtyUnreachableException;
import dev.xlatsentinel.lab.Frr;
import dev.xlatsentinel.lab.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * FrrBfdd against real bfdd on the gateway and BIRD 2 as the router, in one topology shared
 * by the cases; each case uses its own peers, and the bfdd restart runs last. One IT per FRR:
 * {@link FrrBfddIT} (Debian 12's 8.4) and {@link Frr10BfddIT} (Debian 13's 10.3: the vty
 * protocol and {@code show bfd peers json} of 10.x, live).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class FrrBfddCases {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FrrBfddCases.class);
    private static final Duration UP = Duration.ofSeconds(20);
    private static final PeerKey ROUTER = PeerKey.singleHop(GatewayLab.ROUTER_ADDR, GatewayLab.GW_ADDR, "eth0");
    private static final BfdPeerSpec ROUTER_FAST = BfdPeerSpec.of(ROUTER).withTimers(50, 50, 3);

    private final Frr.Build build;
    private GatewayLab net;

    FrrBfddCases(Frr.Build build) {
        this.build = build;
    }

    @BeforeAll
    void startLab() {
        net = GatewayLab.start("frr-bfdd", build, "bfdd");
    }

    @AfterAll
    void stopLab() {
        if (net != null) {
            net.close();
        }
    }

    private FrrBfdd open(Duration poll) {
        return FrrBfdd.open(new FrrBfddConfig(new VtyEndpoint(net.frr.vtyDir(), "bfdd"), GatewayLab.VTY, poll));
    }

    private static boolean peerIs(FrrBfdd b, PeerKey k, PeerState s) {
        return b.peer(k).map(p -> p.state() == s).orElse(false);
    }

    /** The settings lines of one peer in bfdd's running config, read through the client. */
    private static List<String> runningBlock(FrrBfdd b, PeerKey k) {
        return RunningConfig.parse(b.client().execute("show running-config")).top("bfd")
                .flatMap(bfd -> bfd.child(k.cliLine())).map(p -> p.children().stream().map(RunningConfig.Line::text)
                        .toList())
                .orElse(null);
    }

    @Test
    @Order(1)
    void peerComesUpAndShutdownMakesBirdWithdrawTheRouteUntilNoShutdown() {
        try (FrrBfdd b = open(Duration.ofMillis(100))) {
            List<PeerStateChange> changes = new CopyOnWriteArrayList<>();
            b.addListener(changes::add);
            assertThat(b.status().reachable()).isTrue();

            assertThat(b.ensurePeer(ROUTER_FAST)).isEqualTo(Outcome.CHANGED);
            Poll.until(UP, Duration.ofMillis(50), "peer Up in show bfd peers json", () -> peerIs(b, ROUTER, PeerState.UP),
                    () -> b.peers().toString());
            Poll.until(UP, "BIRD route via the gateway", () -> net.bird.hasRoute(PREFIX));
            Poll.until(UP, Poll.DEFAULT_EVERY, "listener saw the peer Up", () -> changes.stream()
                    .anyMatch(c -> c.key().equals(ROUTER) && c.to() == PeerState.UP), changes::toString);
            BfdPeer up = b.peer(ROUTER).orElseThrow();
            assertThat(up.receiveInterval()).isEqualTo(50);
            assertThat(up.remoteReceiveInterval()).isEqualTo(50); // BIRD's side, learned over BFD

            long t0 = System.nanoTime();
            assertThat(b.shutdown(ROUTER)).isEqualTo(Outcome.CHANGED);
            long applied = System.nanoTime();
            assertThat(b.peer(ROUTER).orElseThrow().state()).isEqualTo(PeerState.ADMIN_DOWN);
            Poll.until(UP, "BIRD withdraws the route after AdminDown", () -> !net.bird.hasRoute(PREFIX));
            // A figure for the report, not an assertion: birdc polling adds up to ~20 ms plus its own start-up.
            LOG.info("shutdown() took {} ms ({} round trips in total so far); BIRD had withdrawn the route {} ms "
                    + "after the call", (applied - t0) / 1_000_000, b.client().roundTrips(),
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(net.birdSessionState()).isNotEqualTo("Up");
            Poll.until(UP, Poll.DEFAULT_EVERY, "listener saw Up -> AdminDown", () -> changes.stream()
                    .anyMatch(c -> c.key().equals(ROUTER) && c.from() == PeerState.UP && c.to() == PeerState.ADMIN_DOWN),
                    changes::toString);

            assertThat(b.noShutdown(ROUTER)).isEqualTo(Outcome.CHANGED);
            Poll.until(UP, "peer Up again", () -> peerIs(b, ROUTER, PeerState.UP));
            Poll.until(UP, "BIRD route back", () -> net.bird.hasRoute(PREFIX));
            Poll.until(UP, Poll.DEFAULT_EVERY, "listener saw AdminDown -> (Down/Init/Up)", () -> changes.stream()
                    .anyMatch(c -> c.key().equals(ROUTER) && c.from() == PeerState.ADMIN_DOWN && c.to() != null),
                    changes::toString);
            assertThat(b.counters()).anySatisfy(c -> {
                assertThat(c.key()).isEqualTo(ROUTER);
                assertThat(c.controlPacketInput()).isPositive();
                assertThat(c.sessionUp()).as("Up, AdminDown (not counted as down), Up again").isEqualTo(2);
            });
        }
    }

    @Test
    @Order(2)
    void secondApplySendsNothingAndAFreshClientOnlyReads() {
        BfdPeerSpec spec = BfdPeerSpec.of(PeerKey.singleHop("2001:db8:ff::30", null, "eth0"))
                .withTimers(100, 100, 4).withShutdown(true);
        try (FrrBfdd b = open(null)) {
            assertThat(b.ensurePeer(spec)).isEqualTo(Outcome.CHANGED);
            long before = b.client().roundTrips();
            assertThat(b.ensurePeer(spec)).isEqualTo(Outcome.UNCHANGED);
            assertThat(b.client().roundTrips()).isEqualTo(before);
        }
        try (FrrBfdd fresh = open(null)) {
            long before = fresh.client().roundTrips();
            assertThat(fresh.ensurePeer(spec)).isEqualTo(Outcome.UNCHANGED);
            assertThat(fresh.client().roundTrips()).as("only 'show running-config'").isEqualTo(before + 1);
            assertThat(fresh.remove(spec.key())).isEqualTo(Outcome.CHANGED);
            assertThat(fresh.remove(spec.key())).isEqualTo(Outcome.UNCHANGED);
            assertThat(runningBlock(fresh, spec.key())).isNull();
        }
    }

    @Test
    @Order(3)
    void aLineFrrRejectsLeavesNothingHalfApplied() {
        String tooLong = "p".repeat(65); // bfdd's YANG allows 1-64; it answers CMD_SUCCESS + "% Failed ..."
        try (FrrBfdd b = open(null)) {
            PeerKey fresh = PeerKey.singleHop("2001:db8:ff::21", null, "eth0");
            assertThatThrownBy(() -> b.ensurePeer(BfdPeerSpec.of(fresh).withTimers(100, null, null).withProfile(tooLong)))
                    .isInstanceOf(CommandRejected.ConfigFailed.class)
                    .hasMessageContaining("profile " + tooLong)
                    .hasMessageContaining("Unsatisfied length");
            assertThat(runningBlock(b, fresh)).as("the peer created by the failed block is gone").isNull();
            assertThat(b.desiredPeers()).doesNotContainKey(fresh);

            PeerKey existing = PeerKey.singleHop("2001:db8:ff::22", null, "eth0");
            BfdPeerSpec good = BfdPeerSpec.of(existing).withTimers(200, null, null);
            assertThat(b.ensurePeer(good)).isEqualTo(Outcome.CHANGED);
            List<String> before = runningBlock(b, existing);
            assertThat(before).containsExactly("receive-interval 200");
            // detect-multiplier goes out (and is accepted) before the profile line fails.
            assertThatThrownBy(() -> b.ensurePeer(good.withTimers(200, null, 5).withProfile(tooLong)))
                    .isInstanceOf(CommandRejected.ConfigFailed.class);
            assertThat(runningBlock(b, existing)).isEqualTo(before);
            assertThat(b.desiredPeers()).containsEntry(existing, good);
            b.remove(existing);
        }
    }

    @Test
    @Order(4)
    void commandsFrrRejectsComeBackWithFrrsOwnMessage() {
        try (FrrBfdd b = open(null)) {
            assertThatThrownBy(() -> b.client().execute("show bfd peerz json"))
                    .isInstanceOf(CommandRejected.UnknownCommand.class)
                    .hasMessageContaining("% [BFD] Unknown command: show bfd peerz json");
            assertThatThrownBy(() -> b.client().execute("show m")).isInstanceOf(CommandRejected.AmbiguousCommand.class)
                    .hasMessageContaining("% Ambiguous command.");
            String peer = "peer 2001:db8:ff::23 interface eth0";
            assertThatThrownBy(() -> b.client().call(s -> {
                s.configure(List.of("bfd", peer, "minimum-ttl 10"));
                return null;
            })).isInstanceOf(CommandRejected.ConfigFailed.class)
                    .satisfies(e -> assertThat(((CommandRejected) e).frrMessage())
                            .isEqualTo("% Minimum TTL is only available for multi hop sessions."));
            assertThatThrownBy(() -> b.client().call(s -> {
                s.configure(List.of("bfd", peer, "detect-multiplier"));
                return null;
            })).isInstanceOf(CommandRejected.IncompleteCommand.class);
            // configure() always ends with 'end': the vty is back in ENABLE node.
            assertThat(b.peers()).isNotNull();
            b.client().call(s -> {
                s.configure(List.of("bfd", "no " + peer));
                return null;
            });
        }
    }

    @Test
    @Order(5)
    void bfddKilledAndRestartedGetsTheDesiredStateBack() {
        PeerKey other = PeerKey.singleHop("2001:db8:ff::40", null, "eth0");
        try (FrrBfdd b = open(Duration.ofMillis(100))) {
            b.ensurePeer(ROUTER_FAST);
            b.ensurePeer(BfdPeerSpec.of(other));
            Poll.until(UP, "peer Up before the kill", () -> peerIs(b, ROUTER, PeerState.UP));

            net.frr.daemon("bfdd").signal("KILL");
            net.frr.daemon("bfdd").awaitExit(Duration.ofSeconds(5));
            Poll.until(UP, "client notices bfdd is gone", () -> !b.status().reachable());
            assertThat(b.status().reason()).isNotBlank();
            long t0 = System.nanoTime();
            assertThatThrownBy(b::peers).isInstanceOf(VtyUnreachableException.class)
                    .hasMessageContaining("unreachable since");
            // Desired while down: kept and applied when bfdd is back.
            assertThatThrownBy(() -> b.shutdown(other)).isInstanceOf(VtyUnreachableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("callers never wait on a dead bfdd")
                    .isLessThan(Duration.ofSeconds(1));

            net.frr.startDaemon("bfdd"); // returns once bfdd's vty socket exists
            long started = System.nanoTime();
            assertThat(b.client().awaitReachable(UP)).isTrue();
            LOG.info("reconnected and desired state restored {} ms after bfdd's vty socket reappeared",
                    (System.nanoTime() - started) / 1_000_000);
            assertThat(runningBlock(b, ROUTER)).containsExactlyInAnyOrder("receive-interval 50", "transmit-interval 50");
            assertThat(runningBlock(b, other)).containsExactly("shutdown");
            Poll.until(UP, "peer Up after the restart", () -> peerIs(b, ROUTER, PeerState.UP));
            Poll.until(UP, "BIRD route back after the restart", () -> net.bird.hasRoute(PREFIX));
        }
    }
}
