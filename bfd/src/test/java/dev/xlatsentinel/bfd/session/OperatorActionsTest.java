package dev.xlatsentinel.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.platform.config.FieldException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hold-down (§6.8.18), AdminDown (§6.8.16), removal and live changes. */
class OperatorActionsTest {
    private static final int PEER = 0x22;
    private final Fixture f = new Fixture();

    @Test
    void holdDownSendsDownWithItsDiagnosticAtOnce() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        int from = f.sent.size();
        f.table.holdDown(s, Diagnostic.PATH_DOWN, f.now());
        List<Fixture.Sent> out = f.since(from);
        assertThat(out).isNotEmpty();
        assertThat(out.get(0).at()).isEqualTo(f.now());
        ControlPacket p = out.get(0).view();
        assertThat(p.state()).isEqualTo(State.DOWN);
        assertThat(p.diag()).isEqualTo(Diagnostic.PATH_DOWN);
        assertThat(p.yourDiscriminator()).isEqualTo(PEER);
        assertThat(s.state()).isEqualTo(State.DOWN);
        assertThat(s.heldDown()).isTrue();
    }

    @Test
    void heldDownSessionStaysDownWhateverThePeerSendsAndKeepsSendingDown() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.holdDown(s, Diagnostic.PATH_DOWN, f.now());
        int from = f.sent.size();
        // The peer goes Down (diag 3), then Init, and would bring us Up if we were not held.
        f.deliver(Wire.from(PEER).state(State.DOWN).diag(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN)
                .your(s.localDiscriminator()));
        for (int i = 0; i < 30; i++) {
            f.advance(Duration.ofMillis(300));
            f.deliver(Wire.from(PEER).state(State.INIT).your(s.localDiscriminator()).txRx(1_000_000, 50_000));
        }
        assertThat(s.state()).isEqualTo(State.DOWN);
        List<Fixture.Sent> out = f.since(from);
        assertThat(out).hasSizeGreaterThan(8).allSatisfy(x -> {
            assertThat(x.view().state()).isEqualTo(State.DOWN);
            assertThat(x.view().diag()).isEqualTo(Diagnostic.PATH_DOWN);
        });
        assertThat(f.events).extracting(e -> e.newState()).containsExactly(State.INIT, State.UP, State.DOWN);
    }

    @Test
    void releaseLetsTheSessionComeUpThroughTheHandshake() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.holdDown(s, Diagnostic.PATH_DOWN, f.now());
        f.deliver(Wire.from(PEER).state(State.INIT).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.DOWN);
        f.table.release(s, f.now());
        f.deliver(Wire.from(PEER).state(State.INIT).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.UP);
        assertThat(s.heldDown()).isFalse();
    }

    @Test
    void releaseAfterThePeerAnsweredInitGoesUpAndSendsUpAtOnce() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.holdDown(s, Diagnostic.PATH_DOWN, f.now());
        f.advance(Duration.ofMillis(20));
        f.deliver(Wire.from(PEER).state(State.INIT).your(s.localDiscriminator()).txRx(1_000_000, 10_000));
        f.advance(Duration.ofMillis(400));
        int from = f.sent.size();
        // No packet from the peer in between: its next one would come up to 1 s later (§6.8.3).
        f.table.release(s, f.now());
        assertThat(s.state()).isEqualTo(State.UP);
        List<Fixture.Sent> out = f.since(from);
        assertThat(out).isNotEmpty();
        assertThat(out.get(0).at()).isEqualTo(f.now());
        assertThat(out.get(0).view().state()).isEqualTo(State.UP);
        assertThat(out.get(0).view().diag()).isEqualTo(Diagnostic.NONE);
    }

    @Test
    void releaseWhileThePeerIsDownGoesInitAndSendsItAtOnce() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.holdDown(s, Diagnostic.PATH_DOWN, f.now());
        f.deliver(Wire.from(PEER).state(State.DOWN).diag(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN)
                .your(s.localDiscriminator()));
        int from = f.sent.size();
        f.table.release(s, f.now());
        assertThat(s.state()).isEqualTo(State.INIT);
        assertThat(f.since(from)).first().satisfies(x -> {
            assertThat(x.at()).isEqualTo(f.now());
            assertThat(x.view().state()).isEqualTo(State.INIT);
        });
        // The peer's Up (sent at once on its own change) completes the handshake.
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.UP);
    }

    @Test
    void releaseAfterThePeerWentSilentStaysDownAndSendsDownWithoutTheDiagnosticAtOnce() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.holdDown(s, Diagnostic.PATH_DOWN, f.now());
        f.deliver(Wire.from(PEER).state(State.INIT).your(s.localDiscriminator()));
        // Nothing from the peer for longer than the Detection Time: its Init is stale.
        f.advance(Duration.ofSeconds(10));
        int from = f.sent.size();
        f.table.release(s, f.now());
        assertThat(s.state()).isEqualTo(State.DOWN);
        assertThat(f.since(from)).first().satisfies(x -> {
            assertThat(x.at()).isEqualTo(f.now());
            assertThat(x.view().state()).isEqualTo(State.DOWN);
            assertThat(x.view().diag()).isEqualTo(Diagnostic.NONE);
        });
    }

    @Test
    void holdDownOfADownSessionChangesTheDiagnosticAndSendsAtOnce() {
        Session s = f.add(Fixture.config().build());
        int from = f.sent.size();
        f.table.holdDown(s, Diagnostic.CONCATENATED_PATH_DOWN, f.now());
        assertThat(f.since(from)).hasSize(1);
        assertThat(f.lastPacket().diag()).isEqualTo(Diagnostic.CONCATENATED_PATH_DOWN);
        assertThat(f.events).isEmpty();
    }

    @Test
    void adminDownSendsAdminDownWithDiag7AndKeepsSendingIt() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        int from = f.sent.size();
        f.table.adminDown(s, f.now());
        f.advance(Duration.ofSeconds(5));
        assertThat(f.since(from)).hasSizeGreaterThan(4).allSatisfy(x -> {
            assertThat(x.view().state()).isEqualTo(State.ADMIN_DOWN);
            assertThat(x.view().diag()).isEqualTo(Diagnostic.ADMINISTRATIVELY_DOWN);
            assertThat(x.view().poll()).isFalse();
        });
        assertThat(s.state()).isEqualTo(State.ADMIN_DOWN);
    }

    @Test
    void adminUpReturnsToDownAndComesUpAgain() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.adminDown(s, f.now());
        f.table.adminUp(s, f.now());
        assertThat(s.state()).isEqualTo(State.DOWN);
        assertThat(f.lastPacket().state()).isEqualTo(State.DOWN);
        assertThat(f.lastPacket().diag()).isEqualTo(Diagnostic.NONE);
        f.deliver(Wire.from(PEER).state(State.DOWN).your(s.localDiscriminator()));
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.UP);
    }

    @Test
    void heldDownSessionStaysHeldAcrossAdminDownAndUp() {
        Session s = f.add(Fixture.config().build());
        f.table.holdDown(s, Diagnostic.PATH_DOWN, f.now());
        f.table.adminDown(s, f.now());
        f.table.adminUp(s, f.now());
        assertThat(s.localDiag()).isEqualTo(Diagnostic.PATH_DOWN);
        f.deliver(Wire.from(PEER).state(State.DOWN));
        assertThat(s.state()).isEqualTo(State.DOWN);
    }

    @Test
    void removalSendsAdminDownForOneDetectionTimeThenFreesTheKey() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        int from = f.sent.size();
        boolean[] gone = {false};
        f.table.remove(s.key(), f.now(), () -> gone[0] = true);
        assertThat(f.lastPacket().state()).isEqualTo(State.ADMIN_DOWN);
        assertThat(f.last().at()).isEqualTo(f.now());
        assertThatThrownBy(() -> f.table.add(Fixture.config().build(), 0, 1, null, f.now()))
                .isInstanceOf(FieldException.class).hasMessageContaining("still being removed");
        f.advance(Duration.ofSeconds(4));
        assertThat(gone[0]).isTrue();
        assertThat(f.table.get(s.key())).isNull();
        assertThat(f.since(from)).allSatisfy(x -> assertThat(x.view().state()).isEqualTo(State.ADMIN_DOWN));
        int after = f.sent.size();
        f.advance(Duration.ofSeconds(5));
        assertThat(f.sent).hasSize(after);
        f.add(Fixture.config().build());
    }

    @Test
    void removalOfASessionThatNeverHeardItsPeerIsImmediate() {
        Session s = f.add(Fixture.config().build());
        boolean[] gone = {false};
        f.table.remove(s.key(), f.now(), () -> gone[0] = true);
        assertThat(gone[0]).isTrue();
        assertThat(f.lastPacket().state()).isEqualTo(State.ADMIN_DOWN);
        assertThat(f.table.size()).isZero();
    }

    @Test
    void shutdownSendsAdminDownOnceAndCompletesPendingRemovals() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        boolean[] gone = {false};
        f.table.remove(s.key(), f.now(), () -> gone[0] = true);
        assertThat(gone[0]).as("lingering in AdminDown").isFalse();
        Session other = f.add(Fixture.config().peer("192.0.2.7").build());
        int from = f.sent.size();
        f.table.removeNow(other, f.now());
        f.table.removeNow(s, f.now());
        assertThat(gone[0]).isTrue();
        assertThat(f.table.size()).isZero();
        assertThat(f.since(from)).hasSize(1).allSatisfy(x -> assertThat(x.view().state()).isEqualTo(State.ADMIN_DOWN));
        f.advance(Duration.ofSeconds(5));
        assertThat(f.sent).hasSize(from + 1);
    }

    @Test
    void duplicateKeyIsRefusedAndChangesNothing() {
        f.add(Fixture.config().build());
        assertThatThrownBy(() -> f.table.add(Fixture.config().build(), 0, 2, null, f.now()))
                .isInstanceOf(FieldException.class).hasMessageStartingWith("peer: duplicate session key");
        assertThat(f.table.size()).isEqualTo(1);
    }

    @Test
    void sameAddressesOnAnotherInterfaceAreRefusedForGlobalAddresses() {
        f.add(Fixture.config().iface("eth0").build());
        assertThatThrownBy(() -> f.table.add(Fixture.config().iface("eth1").build(), 0, 2, null, f.now()))
                .isInstanceOf(FieldException.class).hasMessageContaining("could not be told apart");
    }

    @Test
    void detectMultChangeNeedsNoPoll() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.updateTimers(s, Fixture.config().detectMult(5).build(), f.now());
        f.advance(Duration.ofMillis(50));
        assertThat(f.lastPacket().detectMult()).isEqualTo(5);
        assertThat(s.pollInProgress()).isFalse();
    }

    @Test
    void failedSendIsCountedAsTxError() {
        Session s = f.add(Fixture.config().build());
        f.sinkUp = false;
        f.advance(Duration.ofSeconds(2));
        assertThat(s.counters().get(Counter.TX_ERRORS)).isGreaterThanOrEqualTo(2);
        assertThat(f.table.counters().get(Counter.TX_ERRORS)).isEqualTo(s.counters().get(Counter.TX_ERRORS));
    }
}
