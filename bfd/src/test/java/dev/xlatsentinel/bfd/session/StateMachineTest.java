package dev.xlatsentinel.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 5880 §6.8.6 state transitions, one behaviour per test. */
class StateMachineTest {
    private static final int PEER = 0x0a0b0c0d;
    private final Fixture f = new Fixture();

    @Test
    void activeSessionSendsDownAtOnceWithYourDiscriminatorZero() {
        Session s = f.add(Fixture.config().build());
        assertThat(f.sent).hasSize(1);
        ControlPacket p = f.lastPacket();
        assertThat(p.state()).isEqualTo(State.DOWN);
        assertThat(p.myDiscriminator()).isEqualTo(s.localDiscriminator()).isNotZero();
        assertThat(p.yourDiscriminator()).isZero();
        assertThat(p.desiredMinTxMicros()).as("1 s while not Up, §6.8.3").isEqualTo(1_000_000);
        assertThat(p.requiredMinRxMicros()).isEqualTo(50_000);
        assertThat(p.detectMult()).isEqualTo(3);
        assertThat(p.flags()).isZero();
    }

    @Test
    void passiveSessionStaysSilentUntilThePeerSpeaks() {
        Session s = f.add(Fixture.config().passive(true).build());
        f.advance(Duration.ofSeconds(5));
        assertThat(f.sent).isEmpty();
        f.deliver(Wire.from(PEER).state(State.DOWN));
        assertThat(s.state()).isEqualTo(State.INIT);
        assertThat(f.lastPacket().state()).isEqualTo(State.INIT);
        assertThat(f.lastPacket().yourDiscriminator()).isEqualTo(PEER);
    }

    @Test
    void downPeerTakesDownSessionToInitAndInitPeerToUp() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.DOWN));
        assertThat(s.state()).isEqualTo(State.INIT);
        assertThat(f.lastPacket().state()).as("sent at once").isEqualTo(State.INIT);
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.UP);
        assertThat(f.events).extracting(e -> e.oldState() + ">" + e.newState()).containsExactly("Down>Init",
                "Init>Up");
    }

    @Test
    void initPeerTakesDownSessionStraightToUp() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.INIT).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.UP);
        assertThat(f.lastPacket().state()).isEqualTo(State.UP);
    }

    @Test
    void upPeerDoesNotMoveADownSession() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.DOWN);
    }

    @Test
    void downPeerKeepsAnInitSessionInInit() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.DOWN));
        f.deliver(Wire.from(PEER).state(State.DOWN));
        assertThat(s.state()).isEqualTo(State.INIT);
    }

    @Test
    void adminDownPeerTakesInitSessionDownWithDiag3() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.DOWN));
        f.deliver(Wire.from(PEER).state(State.ADMIN_DOWN).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.DOWN);
        assertThat(s.localDiag()).isEqualTo(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
    }

    @Test
    void upPeerSignallingDownTakesSessionDownWithDiag3() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.deliver(Wire.from(PEER).state(State.DOWN).diag(Diagnostic.PATH_DOWN).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.DOWN);
        assertThat(s.localDiag()).isEqualTo(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        ControlPacket p = f.lastPacket();
        assertThat(p.state()).isEqualTo(State.DOWN);
        assertThat(p.diag()).isEqualTo(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(f.events.get(f.events.size() - 1).remoteDiag()).isEqualTo(Diagnostic.PATH_DOWN);
    }

    @Test
    void upPeerSignallingAdminDownTakesSessionDownWithDiag3() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.deliver(Wire.from(PEER).state(State.ADMIN_DOWN).diag(Diagnostic.ADMINISTRATIVELY_DOWN)
                .your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.DOWN);
        assertThat(s.localDiag()).isEqualTo(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
    }

    @Test
    void adminDownPeerLeavesADownSessionAlone() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.ADMIN_DOWN));
        assertThat(s.state()).isEqualTo(State.DOWN);
        assertThat(s.localDiag()).isEqualTo(Diagnostic.NONE);
        assertThat(f.events).isEmpty();
    }

    @Test
    void detectionTimeExpiryTakesUpSessionDownWithDiag1() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.advance(Duration.ofMillis(149));
        assertThat(s.state()).as("3 x 50 ms not yet over").isEqualTo(State.UP);
        f.advance(Duration.ofMillis(2));
        assertThat(s.state()).isEqualTo(State.DOWN);
        assertThat(s.localDiag()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(s.remoteDiscriminator()).as("§6.8.1: zeroed").isZero();
        assertThat(f.lastPacket().yourDiscriminator()).isZero();
        assertThat(f.lastPacket().state()).isEqualTo(State.DOWN);
    }

    @Test
    void detectionTimeExpiryTakesInitSessionDown() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.DOWN).txRx(1_000_000, 50_000));
        f.advance(Duration.ofMillis(3001));
        assertThat(s.state()).isEqualTo(State.DOWN);
        assertThat(s.localDiag()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
    }

    @Test
    void eachStateChangeIsOneEventWithReasonAndBothDiagnostics() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.deliver(Wire.from(PEER).state(State.DOWN).diag(Diagnostic.PATH_DOWN).your(s.localDiscriminator()));
        assertThat(f.events).hasSize(3);
        var down = f.events.get(2);
        assertThat(down.key()).isEqualTo(s.key());
        assertThat(down.oldState()).isEqualTo(State.UP);
        assertThat(down.newState()).isEqualTo(State.DOWN);
        assertThat(down.localDiag()).isEqualTo(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(down.remoteDiag()).isEqualTo(Diagnostic.PATH_DOWN);
        assertThat(down.reason()).contains("peer signalled Down");
        assertThat(s.counters().get(Counter.STATE_TRANSITIONS)).isEqualTo(3);
    }

    @Test
    void upClearsTheLocalDiagnostic() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.advance(Duration.ofMillis(200));
        assertThat(s.localDiag()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        f.deliver(Wire.from(PEER).state(State.DOWN));
        assertThat(s.localDiag()).as("kept through Init").isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()));
        assertThat(s.state()).isEqualTo(State.UP);
        assertThat(s.localDiag()).isEqualTo(Diagnostic.NONE);
    }
}
