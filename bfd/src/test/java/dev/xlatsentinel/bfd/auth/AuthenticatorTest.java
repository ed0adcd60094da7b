package dev.xlatsentinel.bfd.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.bfd.support.Hex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import java.util.List;

/**
 * Vectors: Up, flags A, mult 3, my 0x11223344, your 0x55667788, tx = rx = 300 ms, key
 * "secret", sequence 0x10 (key ID 1; the password vector uses key ID 7). Digests computed
 * with Python's hashlib, independently of this code; BIRD checks the same in the ITs.
 */
class AuthenticatorTest {
    static final String SIMPLE = "20c403211122334455667788000493e0000493e000000000010907736563726574";
    static final String MD5 = "20c403301122334455667788000493e0000493e0000000000218010000000010"
            + "716fe1e25c2f8769a6f393d38cc2d708";
    static final String METICULOUS_MD5 = "20c403301122334455667788000493e0000493e0000000000318010000000010"
            + "711a7ebbde2dc2acd1b1f628f3167651";
    static final String SHA1 = "20c403341122334455667788000493e0000493e000000000041c010000000010"
            + "8ceb89207a8637fac3619c06f5d709090be05544";
    static final String METICULOUS_SHA1 = "20c403341122334455667788000493e0000493e000000000051c010000000010"
            + "a0b7fa10a5d80775f7df52276c6ac24a768848bc";

    private static final Secret KEY = Secret.of("secret");

    private static String vector(AuthType t) {
        return switch (t) {
            case SIMPLE_PASSWORD -> SIMPLE;
            case KEYED_MD5 -> MD5;
            case METICULOUS_KEYED_MD5 -> METICULOUS_MD5;
            case KEYED_SHA1 -> SHA1;
            case METICULOUS_KEYED_SHA1 -> METICULOUS_SHA1;
            default -> throw new IllegalArgumentException();
        };
    }

    private static int keyId(AuthType t) {
        return t == AuthType.SIMPLE_PASSWORD ? 7 : 1;
    }

    private static String sign(AuthType t) {
        // sign() advances the sequence first, so start one below the vector's 0x10.
        Authenticator a = new Authenticator(AuthConfig.of(t, keyId(t), KEY), 0x0f);
        byte[] buf = new byte[ControlPacket.MAX_LENGTH];
        ControlPacket p = new ControlPacket().wrap(buf, buf.length);
        p.writeMandatory(Diagnostic.NONE, State.UP, 0, 3, 0x11223344, 0x55667788, 300_000, 300_000, 0);
        int length = a.sign(p);
        return Hex.of(buf, length);
    }

    private static ControlPacket packet(String hex) {
        byte[] b = Hex.bytes(hex);
        return new ControlPacket().wrap(b, b.length);
    }

    @ParameterizedTest
    @CsvSource({"SIMPLE_PASSWORD", "KEYED_MD5", "METICULOUS_KEYED_MD5", "KEYED_SHA1", "METICULOUS_KEYED_SHA1"})
    void signsTheVectorOfEachType(AuthType t) {
        assertThat(sign(t)).isEqualTo(vector(t));
    }

    @ParameterizedTest
    @CsvSource({"SIMPLE_PASSWORD", "KEYED_MD5", "METICULOUS_KEYED_MD5", "KEYED_SHA1", "METICULOUS_KEYED_SHA1"})
    void acceptsTheVectorOfEachType(AuthType t) {
        Authenticator a = new Authenticator(AuthConfig.of(t, keyId(t), KEY), 0);
        assertThat(a.verify(packet(vector(t)))).isNull();
    }

    @ParameterizedTest
    @CsvSource({"SIMPLE_PASSWORD", "KEYED_MD5", "METICULOUS_KEYED_MD5", "KEYED_SHA1", "METICULOUS_KEYED_SHA1"})
    void wrongKeyFailsAsBadDigest(AuthType t) {
        Authenticator a = new Authenticator(AuthConfig.of(t, keyId(t), Secret.of("secreT")), 0);
        assertThat(a.verify(packet(vector(t)))).isEqualTo(AuthFailure.BAD_DIGEST);
        assertThat(a.sequenceKnown()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"SIMPLE_PASSWORD", "KEYED_MD5", "KEYED_SHA1"})
    void wrongKeyIdIsRefused(AuthType t) {
        Authenticator a = new Authenticator(AuthConfig.of(t, 9, KEY), 0);
        assertThat(a.verify(packet(vector(t)))).isEqualTo(AuthFailure.UNKNOWN_KEY_ID);
    }

    @Test
    void otherAuthTypeIsRefused() {
        Authenticator a = new Authenticator(AuthConfig.of(AuthType.KEYED_SHA1, 1, KEY), 0);
        assertThat(a.verify(packet(MD5))).isEqualTo(AuthFailure.TYPE_MISMATCH);
    }

    @Test
    void wrongAuthLenIsRefused() {
        // MD5 vector with Auth Len 23 instead of 24.
        String bad = MD5.substring(0, 50) + "17" + MD5.substring(52);
        Authenticator a = new Authenticator(AuthConfig.of(AuthType.KEYED_MD5, 1, KEY), 0);
        assertThat(a.verify(packet(bad))).isEqualTo(AuthFailure.BAD_AUTH_LEN);
    }

    @Test
    void sectionCutShortIsTruncated() {
        byte[] b = Hex.bytes(MD5);
        ControlPacket p = new ControlPacket().wrap(b, 40);
        Authenticator a = new Authenticator(AuthConfig.of(AuthType.KEYED_MD5, 1, KEY), 0);
        assertThat(a.verify(p)).isEqualTo(AuthFailure.TRUNCATED);
    }

    @Test
    void verifyLeavesTheReceivedDigestInPlace() {
        byte[] b = Hex.bytes(SHA1);
        Authenticator a = new Authenticator(AuthConfig.of(AuthType.KEYED_SHA1, 1, KEY), 0);
        a.verify(new ControlPacket().wrap(b, b.length));
        assertThat(Hex.of(b, b.length)).isEqualTo(SHA1);
    }

    /** RFC 5880 §6.7.3: keyed MD5 accepts RcvAuthSeq .. RcvAuthSeq + 3 * Detect Mult, replays included. */
    @Test
    void keyedSequenceWindowIncludesTheLastSequence() {
        Authenticator tx = new Authenticator(AuthConfig.of(AuthType.KEYED_MD5, 1, KEY), 99);
        Authenticator rx = new Authenticator(AuthConfig.of(AuthType.KEYED_MD5, 1, KEY), 0);
        String first = signed(tx); // seq 100
        assertThat(rx.verify(packet(first))).isNull();
        assertThat(rx.verify(packet(first))).as("replay of the same sequence").isNull();
        for (int i = 0; i < 8; i++) {
            signed(tx);
        }
        assertThat(rx.verify(packet(signed(tx)))).as("seq 109 = 100 + 9 (3 * mult 3)").isNull();
        for (int i = 0; i < 9; i++) {
            signed(tx);
        }
        assertThat(rx.verify(packet(signed(tx)))).as("seq 119, 10 beyond 109").isEqualTo(
                AuthFailure.SEQUENCE_OUT_OF_WINDOW);
    }

    /** RFC 5880 §6.7.3: meticulous types need the sequence to advance. */
    @Test
    void meticulousSequenceMustAdvance() {
        Authenticator tx = new Authenticator(AuthConfig.of(AuthType.METICULOUS_KEYED_SHA1, 1, KEY), -2);
        Authenticator rx = new Authenticator(AuthConfig.of(AuthType.METICULOUS_KEYED_SHA1, 1, KEY), 0);
        String first = signed(tx); // seq 0xffffffff
        assertThat(rx.verify(packet(first))).isNull();
        assertThat(rx.verify(packet(first))).isEqualTo(AuthFailure.SEQUENCE_OUT_OF_WINDOW);
        assertThat(rx.verify(packet(signed(tx)))).as("wraps to 0").isNull();
        assertThat(rx.receiveSequence()).isZero();
    }

    @Test
    void forgottenSequenceAcceptsAnyNumberAgain() {
        Authenticator tx = new Authenticator(AuthConfig.of(AuthType.METICULOUS_KEYED_MD5, 1, KEY), 1000);
        Authenticator rx = new Authenticator(AuthConfig.of(AuthType.METICULOUS_KEYED_MD5, 1, KEY), 0);
        String old = signed(tx);
        String newer = signed(tx);
        assertThat(rx.verify(packet(newer))).isNull();
        assertThat(rx.verify(packet(old))).isEqualTo(AuthFailure.SEQUENCE_OUT_OF_WINDOW);
        rx.forgetSequence();
        assertThat(rx.verify(packet(old))).isNull();
    }

    private static String signed(Authenticator a) {
        byte[] buf = new byte[ControlPacket.MAX_LENGTH];
        ControlPacket p = new ControlPacket().wrap(buf, buf.length);
        p.writeMandatory(Diagnostic.NONE, State.UP, 0, 3, 1, 2, 300_000, 300_000, 0);
        return Hex.of(buf, a.sign(p));
    }

    @Test
    void secretNeverPrints() {
        Secret s = Secret.of("hunter2");
        assertThat(s.toString()).doesNotContain("hunter2").contains("7 octets");
        AuthConfig c = AuthConfig.of(AuthType.KEYED_SHA1, 3, s);
        assertThat(c.toString()).doesNotContain("hunter2");
        assertThat(new Authenticator(c, 0).toString()).doesNotContain("hunter2");
    }

    @Test
    void configRefusesTypeWithoutKeyAndOverlongKeys() {
        assertThatThrownBy(() -> AuthConfig.of(AuthType.KEYED_MD5, 1, null)).hasMessageStartingWith("auth.secret");
        assertThatThrownBy(() -> AuthConfig.of(AuthType.KEYED_MD5, 1, Secret.of("x".repeat(17))))
                .hasMessageContaining("at most 16");
        assertThatThrownBy(() -> AuthConfig.of(AuthType.SIMPLE_PASSWORD, 256, KEY)).hasMessageStartingWith(
                "auth.keyId");
        assertThat(AuthConfig.of(AuthType.KEYED_SHA1, 0, Secret.of("x".repeat(20))).enabled()).isTrue();
    }

    // ------------------------------------------------------------ key chains (§6.7)

    @ParameterizedTest
    @CsvSource({"SIMPLE_PASSWORD", "KEYED_MD5", "METICULOUS_KEYED_MD5", "KEYED_SHA1", "METICULOUS_KEYED_SHA1"})
    void aChainAcceptsEachOfItsKeysByIdAndSignsWithTheSendKey(AuthType t) {
        // Keys of different lengths: a password's Auth Len follows its key.
        AuthConfig chain = AuthConfig.chain(t, List.of(AuthKey.of(keyId(t), KEY), AuthKey.of(40, Secret.of("longer-key"))),
                40);
        Authenticator a = new Authenticator(chain, 0x0f);
        assertThat(a.verify(packet(vector(t)))).as("key " + keyId(t)).isNull();
        assertThat(a.lastReceivedKeyId()).isEqualTo(keyId(t));
        Authenticator peer = new Authenticator(AuthConfig.of(t, 40, Secret.of("longer-key")), 0x11);
        assertThat(a.verify(packet(signed(peer)))).as("key 40").isNull();
        assertThat(a.lastReceivedKeyId()).isEqualTo(40);
        assertThat(packet(signed(a)).buffer()[26]).as("signs with key 40").isEqualTo((byte) 40);
        Authenticator onlyNew = new Authenticator(AuthConfig.of(t, 40, Secret.of("longer-key")), 0);
        assertThat(onlyNew.verify(packet(signed(a)))).isNull();
    }

    @Test
    void updatingTheChainKeepsTheSequenceAndRefusesAnotherType() {
        Authenticator a = new Authenticator(AuthConfig.of(AuthType.METICULOUS_KEYED_SHA1, 1, KEY), 41);
        signed(a);
        a.updateKeys(AuthConfig.of(AuthType.METICULOUS_KEYED_SHA1, 1, KEY).withKey(AuthKey.of(2, KEY)).sendingWith(2));
        assertThat(a.transmitSequence()).isEqualTo(42);
        assertThatThrownBy(() -> a.updateKeys(AuthConfig.of(AuthType.KEYED_SHA1, 1, KEY)))
                .hasMessageStartingWith("auth.type: meticulous-keyed-sha1 cannot become keyed-sha1");
        assertThat(a.config().sendKeyId()).isEqualTo(2);
    }

    @Test
    void aRefusalIsExplainedWithItsValuesAndNeverTheKey() {
        Authenticator a = new Authenticator(AuthConfig.chain(AuthType.KEYED_SHA1,
                List.of(AuthKey.of(4, KEY), AuthKey.of(5, KEY)), 4), 0);
        ControlPacket p = packet(SHA1);
        assertThat(a.explain(a.verify(p), p)).isEqualTo("unknown key ID 1 (keys 4, 5)");
        Authenticator b = new Authenticator(AuthConfig.of(AuthType.KEYED_SHA1, 1, Secret.of("other")), 0);
        assertThat(b.explain(b.verify(p), p)).isEqualTo("wrong password or digest with key ID 1")
                .doesNotContain("secret", "other");
        assertThat(a.explain(AuthFailure.TYPE_MISMATCH, packet(MD5)))
                .isEqualTo("other authentication type 2 (the session uses keyed-sha1, 4)");
    }

    @Test
    void aChainIsCheckedFieldByField() {
        Secret s = Secret.of("k");
        assertThatThrownBy(() -> AuthConfig.chain(AuthType.KEYED_MD5, List.of(AuthKey.of(1, s), AuthKey.of(1, s)), 1))
                .hasMessage("auth.keys[1].id: key ID 1 is given twice");
        assertThatThrownBy(() -> AuthConfig.chain(AuthType.KEYED_MD5, List.of(AuthKey.of(256, s)), 256))
                .hasMessage("auth.keys[0].id: 256 is outside 0 to 255");
        assertThatThrownBy(() -> AuthConfig.chain(AuthType.KEYED_MD5, List.of(AuthKey.of(-1, s)), -1))
                .hasMessage("auth.keys[0].id: -1 is outside 0 to 255");
        assertThatThrownBy(() -> AuthConfig.chain(AuthType.KEYED_MD5, List.of(AuthKey.of(1, s), AuthKey.of(2, s)), 3))
                .hasMessage("auth.sendKeyId: 3 is not one of the keys (1, 2)");
        assertThatThrownBy(() -> AuthConfig.chain(AuthType.KEYED_MD5,
                List.of(AuthKey.of(1, s), AuthKey.of(2, Secret.of("x".repeat(17)))), 1))
                .hasMessage("auth.keys[1].secret: keyed-md5 takes at most 16 octets, got 17");
        assertThatThrownBy(() -> AuthConfig.chain(AuthType.KEYED_SHA1, List.of(), 1))
                .hasMessage("auth.keys: keyed-sha1 needs at least one key");
        assertThatThrownBy(() -> AuthConfig.chain(AuthType.KEYED_SHA1, List.of(AuthKey.of(1, s), AuthKey.of(2, s)), 1)
                .withoutKey(1)).hasMessage("auth.sendKeyId: 1 is not one of the keys (2)");
        AuthConfig c = AuthConfig.chain(AuthType.KEYED_SHA1, List.of(AuthKey.of(9, s), AuthKey.of(2, s)), 9);
        assertThat(c.keyIds()).as("ordered by ID").containsExactly(2, 9);
        assertThat(c).isEqualTo(AuthConfig.chain(AuthType.KEYED_SHA1, List.of(AuthKey.of(2, s), AuthKey.of(9, s)), 9));
        assertThat(c.toString()).isEqualTo("keyed-sha1 keys 2, 9 send 9");
    }
}
