package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.auth.AuthConfig;
import dev.xlatsentinel.bfd.auth.AuthKey;
import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.auth.Secret;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key chains (RFC 5880 §6.7) on two sessions talking to each other on a manual clock: a
 * rollover done in the right order never takes either side Down; done in the wrong order,
 * the refused packets are counted and the Down says why.
 */
class KeyRolloverTest {
    private static final AuthKey OLD = AuthKey.of(1, Secret.of("old-key"));
    private static final AuthKey NEW = AuthKey.of(2, Secret.of("new-key"));
    /** 10 ms x 3: 30 ms detection; each step runs for many detection times. */
    private static final Duration STEP = Duration.ofSeconds(2);

    private final SessionPair pair = new SessionPair();

    private static SessionConfig.Builder config(AuthType t) {
        return SessionConfig.builder().interval(Duration.ofMillis(10)).detectMult(3)
                .auth(AuthConfig.chain(t, List.of(OLD), 1));
    }

    private void bothUp(AuthType t) {
        pair.a.add(config(t));
        pair.b.add(config(t));
        pair.advance(Duration.ofSeconds(5));
        assertThat(pair.a.session.state()).isEqualTo(State.UP);
        assertThat(pair.b.session.state()).isEqualTo(State.UP);
    }

    private void update(SessionPair.Side side, AuthConfig next) {
        side.table.updateAuth(side.session, next, pair.now());
        pair.advance(STEP);
    }

    private static long authDrops(Session s) {
        return s.counters().copy().entrySet().stream().filter(e -> e.getKey().label().startsWith("drop-auth"))
                .mapToLong(e -> e.getValue()).sum();
    }

    private void assertStillUpWithoutAChange(int eventsA, int eventsB) {
        assertThat(pair.a.session.state()).isEqualTo(State.UP);
        assertThat(pair.b.session.state()).isEqualTo(State.UP);
        assertThat(pair.a.events).hasSize(eventsA);
        assertThat(pair.b.events).hasSize(eventsB);
        assertThat(authDrops(pair.a.session)).isZero();
        assertThat(authDrops(pair.b.session)).isZero();
    }

    /**
     * The order of docs/agent.md: the router accepts the new key, we accept it and send with
     * it, the router sends with it, then each side drops the old key.
     */
    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void rolloverInTheRightOrderNeverTakesEitherSideDown(AuthType t) {
        bothUp(t);
        int ea = pair.a.events.size();
        int eb = pair.b.events.size();
        long discrA = pair.a.session.localDiscriminator();
        AuthConfig start = pair.a.session.config().auth();

        update(pair.b, start.withKey(NEW));
        assertStillUpWithoutAChange(ea, eb);
        update(pair.a, start.withKey(NEW));
        assertStillUpWithoutAChange(ea, eb);
        assertThat(pair.b.session.snapshot(pair.now()).auth().peerKeyId()).as("we still send with key 1").isEqualTo(1);

        update(pair.a, start.withKey(NEW).sendingWith(2));
        assertStillUpWithoutAChange(ea, eb);
        assertThat(pair.b.session.snapshot(pair.now()).auth().peerKeyId()).as("the router sees key 2").isEqualTo(2);

        update(pair.b, start.withKey(NEW).sendingWith(2));
        assertStillUpWithoutAChange(ea, eb);
        assertThat(pair.a.session.snapshot(pair.now()).auth().peerKeyId()).isEqualTo(2);

        AuthConfig end = AuthConfig.chain(t, List.of(NEW), 2);
        update(pair.a, end);
        update(pair.b, end);
        assertStillUpWithoutAChange(ea, eb);
        assertThat(pair.a.session.localDiscriminator()).as("the same session throughout").isEqualTo(discrA);
        assertThat(pair.a.session.config().auth()).isEqualTo(end);
        var snap = pair.a.session.snapshot(pair.now());
        assertThat(snap.auth().keyIds()).containsExactly(2);
        assertThat(snap.auth().sendKeyId()).isEqualTo(2);
        assertThat(snap.counter(Counter.STATE_TRANSITIONS)).isEqualTo(ea);
    }

    /** The sequence numbers are the session's (§6.8.1): a new send key continues them. */
    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = {"KEYED_MD5", "METICULOUS_KEYED_MD5", "KEYED_SHA1",
        "METICULOUS_KEYED_SHA1"})
    void aNewSendKeyContinuesTheSequenceNumbers(AuthType t) {
        bothUp(t);
        AuthConfig both = pair.a.session.config().auth().withKey(NEW);
        update(pair.b, both);
        int before = pair.a.session.auth().transmitSequence();
        int seenByB = pair.b.session.auth().receiveSequence();
        assertThat(seenByB).isEqualTo(before);
        pair.a.table.updateAuth(pair.a.session, both.sendingWith(2), pair.now());
        assertThat(pair.a.session.auth().transmitSequence()).as("not reset").isEqualTo(before);
        pair.advance(STEP);
        assertThat(pair.b.session.auth().receiveSequence() - seenByB).as("went on from where it was")
                .isEqualTo(pair.a.session.auth().transmitSequence() - before).isPositive();
        assertThat(pair.b.session.counters().get(Counter.DROP_AUTH_SEQUENCE)).isZero();
    }

    /**
     * Sending with a key the router does not know: each packet is refused and counted
     * ({@code drop-auth-key-id}), the router's session goes Down after its detection time,
     * and its reason says authentication failed, not "no packet"; one notice says why.
     */
    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aKeyThePeerDoesNotKnowIsRefusedCountedAndTheDownSaysAuthenticationFailed(AuthType t) {
        bothUp(t);
        int eb = pair.b.events.size();
        pair.a.table.updateAuth(pair.a.session, AuthConfig.chain(t, List.of(OLD, NEW), 2), pair.now());
        pair.advance(Duration.ofMillis(100));
        assertThat(pair.b.session.counters().get(Counter.DROP_AUTH_KEY_ID)).isPositive();
        assertThat(pair.b.table.counters().get(Counter.DROP_AUTH_KEY_ID))
                .isEqualTo(pair.b.session.counters().get(Counter.DROP_AUTH_KEY_ID));
        var down = pair.b.events.get(eb);
        assertThat(down.newState()).isEqualTo(State.DOWN);
        assertThat(down.localDiag()).isEqualTo(Diagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(down.reason()).startsWith("authentication failed: no packet accepted for 30 ms, ")
                .endsWith("refused (last: unknown key ID 2)").doesNotContain("no packet for");
        assertThat(pair.b.notices).hasSize(1);
        assertThat(pair.b.notices.get(0).reason()).isEqualTo("unknown key ID 2 (keys 1)");
        assertThat(pair.b.notices.get(0).toString()).doesNotContain("new-key", "old-key");
    }

    /** The same key ID with another secret: refused as a wrong digest (password), and counted. */
    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aWrongSecretUnderAKnownIdIsRefusedAndCounted(AuthType t) {
        bothUp(t);
        pair.a.table.updateAuth(pair.a.session, AuthConfig.chain(t, List.of(AuthKey.of(1, Secret.of("old-KEY"))), 1),
                pair.now());
        pair.advance(Duration.ofMillis(100));
        assertThat(pair.b.session.counters().get(Counter.DROP_AUTH_DIGEST)).isPositive();
        assertThat(pair.b.session.state()).isEqualTo(State.DOWN);
        assertThat(pair.b.events.get(pair.b.events.size() - 1).reason())
                .endsWith("(last: wrong password or digest with key ID 1)");
        assertThat(pair.b.notices.get(0).reason()).isEqualTo("wrong password or digest with key ID 1");
    }

    /** One notice at once, then at most one per ten seconds with the count in between. */
    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = "KEYED_SHA1")
    void refusalsAreLoggedAtMostOncePerTenSecondsPerSession(AuthType t) {
        bothUp(t);
        pair.a.table.updateAuth(pair.a.session, AuthConfig.chain(t, List.of(OLD, NEW), 2), pair.now());
        pair.advance(Duration.ofSeconds(25));
        long refused = pair.b.session.counters().get(Counter.DROP_AUTH_KEY_ID);
        assertThat(refused).as("one a second while Down (slow rate)").isBetween(20L, 40L);
        assertThat(pair.b.notices).hasSize(3);
        assertThat(pair.b.notices.get(0).moreRefused()).isZero();
        assertThat(pair.b.notices.get(1).window()).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        long logged = pair.b.notices.size();
        long counted = pair.b.notices.stream().mapToLong(n -> n.moreRefused()).sum() + logged;
        assertThat(counted).as("every refusal logged or counted in a notice, bar those since the last")
                .isLessThanOrEqualTo(refused).isGreaterThan(refused - 15);
    }

    /** Both sides can come Up again once the chains agree, on the same session. */
    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = "METICULOUS_KEYED_MD5")
    void fixingTheChainBringsTheSameSessionBackUp(AuthType t) {
        bothUp(t);
        pair.a.table.updateAuth(pair.a.session, AuthConfig.chain(t, List.of(OLD, NEW), 2), pair.now());
        pair.advance(STEP);
        assertThat(pair.b.session.state()).isEqualTo(State.DOWN);
        pair.b.table.updateAuth(pair.b.session, AuthConfig.chain(t, List.of(OLD, NEW), 1), pair.now());
        pair.advance(Duration.ofSeconds(5));
        assertThat(pair.a.session.state()).isEqualTo(State.UP);
        assertThat(pair.b.session.state()).isEqualTo(State.UP);
    }
}
