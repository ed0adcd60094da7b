package dev.xlatsentinel.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.auth.Secret;
import dev.xlatsentinel.platform.config.FieldException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionConfigTest {
    private static SessionConfig.Builder valid() {
        return SessionConfig.builder().peer("192.0.2.1").local("192.0.2.2");
    }

    private static void refused(SessionConfig.Builder b, String field, String message) {
        assertThatThrownBy(b::build).isInstanceOf(FieldException.class)
                .satisfies(e -> assertThat(((FieldException) e).field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    @Test
    void defaultsAreSingleHopThreeHundredMillisecondsTimesThreeCs6() {
        SessionConfig c = valid().build();
        assertThat(c.hop()).isEqualTo(HopMode.SINGLE_HOP);
        assertThat(c.desiredMinTxMicros()).isEqualTo(300_000);
        assertThat(c.requiredMinRxMicros()).isEqualTo(300_000);
        assertThat(c.detectMult()).isEqualTo(3);
        assertThat(c.dscp()).isEqualTo(48);
        assertThat(c.minTtl()).isEqualTo(255);
        assertThat(c.auth().enabled()).isFalse();
    }

    @Test
    void multiplierZeroIsRefused() {
        refused(valid().detectMult(0), "detectMult", "0 is outside 1 to 255");
    }

    @Test
    void multiplierAbove255IsRefused() {
        refused(valid().detectMult(256), "detectMult", "256 is outside 1 to 255");
    }

    @Test
    void intervalZeroIsRefused() {
        refused(valid().desiredMinTx(Duration.ZERO), "desiredMinTx", "0s is outside 1ms to 1m");
        refused(valid().requiredMinRx(Duration.ZERO), "requiredMinRx", "0s is outside 1ms to 1m");
    }

    @Test
    void intervalOutOfRangeIsRefused() {
        refused(valid().desiredMinTx(Duration.ofSeconds(61)), "desiredMinTx", "61s is outside 1ms to 1m");
        refused(valid().desiredMinTx(Duration.ZERO), "desiredMinTx", "0s is outside 1ms to 1m");
        refused(valid().requiredMinRx(Duration.ofNanos(1_000_500)), "requiredMinRx", "whole microseconds");
    }

    @Test
    void mixedAddressFamiliesAreRefused() {
        refused(valid().local("2001:db8::2"), "local", "address family");
    }

    @Test
    void missingOrUnparseableAddressesAreRefused() {
        refused(SessionConfig.builder().local("192.0.2.2"), "peer", "missing (an IPv4 or IPv6 address)");
        refused(valid().peer("router.example"), "peer", "not an IP address literal");
        refused(valid().local("192.0.2.300"), "local", "not an IP address literal");
        refused(valid().peer("0.0.0.0"), "peer", "not a unicast address");
        refused(valid().peer("ff02::5").local("2001:db8::2"), "peer", "not a unicast address");
    }

    @Test
    void linkLocalWithoutInterfaceIsRefused() {
        refused(SessionConfig.builder().peer("fe80::1").local("fe80::2"), "iface", "link-local address needs");
    }

    @Test
    void linkLocalMultihopIsRefused() {
        refused(SessionConfig.builder().peer("fe80::1").local("fe80::2").iface("eth0").hop(HopMode.MULTI_HOP), "hop",
                "link-local");
    }

    @Test
    void badInterfaceNameIsRefused() {
        refused(valid().iface("a-name-longer-than-15"), "iface", "not an interface name");
    }

    @Test
    void authTypeWithoutKeyIsRefused() {
        refused(valid().auth(AuthType.KEYED_MD5, 1, null), "auth.secret", "needs a key");
    }

    @Test
    void overlongPasswordIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> valid().auth(AuthType.SIMPLE_PASSWORD, 1, Secret.of("p".repeat(17))).build())
                .isInstanceOf(FieldException.class).hasMessageContaining("at most 16")
                .hasMessageNotContaining("ppppp");
    }

    @Test
    void singleHopMinimumTtlOtherThan255IsRefused() {
        refused(valid().minTtl(254), "minTtl", "RFC 5881");
    }

    @Test
    void multihopMinimumTtlDefaultsTo254AndIsChecked() {
        assertThat(valid().hop(HopMode.MULTI_HOP).build().minTtl()).isEqualTo(254);
        refused(valid().hop(HopMode.MULTI_HOP).minTtl(0), "minTtl", "0 is outside 1 to 255");
    }

    @Test
    void dscpOutOfRangeIsRefused() {
        refused(valid().dscp(64), "dscp", "64 is outside 0 to 63");
    }

    @ParameterizedTest
    @CsvSource({"fe80::1%eth0", "fe80::1%2"})
    void scopedLiteralsLoseTheirScopeTheInterfaceCarriesIt(String literal) {
        SessionConfig c = SessionConfig.builder().peer(literal).local("fe80::2").iface("eth0").build();
        assertThat(c.peer().getHostAddress()).isEqualTo("fe80:0:0:0:0:0:0:1");
        assertThat(c.linkLocal()).isTrue();
    }

    @Test
    void toStringShowsNoSecret() {
        SessionConfig c = valid().auth(AuthType.METICULOUS_KEYED_SHA1, 4, Secret.of("topsecret")).build();
        assertThat(c.toString()).doesNotContain("topsecret").contains("meticulous-keyed-sha1 keys 4 send 4");
    }

    @Test
    void toBuilderRoundTrips() {
        SessionConfig c = valid().hop(HopMode.MULTI_HOP).minTtl(200).dscp(10).passive(true)
                .desiredMinTx(Duration.ofMillis(20)).requiredMinRx(Duration.ofMillis(30)).detectMult(4).build();
        assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
    }
}
