package dev.xlatsentinel.frr.addr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpLiteralTest {
    @Test
    void ipv6IsWrittenAsInetNtopWritesIt() {
        assertThat(IpLiteral.canonical("peer", "2001:DB8:ff:0:0:0:0:1")).isEqualTo("2001:db8:ff::1");
        assertThat(IpLiteral.canonical("peer", "64:ff9b:0::")).isEqualTo("64:ff9b::");
        assertThat(IpLiteral.canonical("peer", "2001:db8:0:1:0:0:0:0")).isEqualTo("2001:db8:0:1::");
        assertThat(IpLiteral.canonical("peer", "2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
        assertThat(IpLiteral.canonical("peer", "2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpLiteral.canonical("peer", "2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(IpLiteral.canonical("peer", "::")).isEqualTo("::");
        assertThat(IpLiteral.canonical("peer", "::1")).isEqualTo("::1");
        assertThat(IpLiteral.canonical("peer", "fe80::1")).isEqualTo("fe80::1");
        assertThat(IpLiteral.canonical("peer", "100.64.0.1")).isEqualTo("100.64.0.1");
    }

    @Test
    void namesAndShorthandsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> IpLiteral.parse("localAddress", "gateway.example"))
                .hasMessageStartingWith("localAddress: 'gateway.example' is not");
        assertThatThrownBy(() -> IpLiteral.parse("peer", "10.1")).hasMessageStartingWith("peer:");
        assertThatThrownBy(() -> IpLiteral.parse("peer", "1:2:3")).hasMessageStartingWith("peer:");
        assertThatThrownBy(() -> IpLiteral.parse("peer", "::ffff:10.0.0.1")).hasMessageContaining("IPv4-mapped");
        assertThatThrownBy(() -> IpLiteral.parse("peer", "fe80::1%eth0")).hasMessageStartingWith("peer:");
        assertThatThrownBy(() -> IpLiteral.parse("peer", null)).hasMessageStartingWith("peer: an IP address");
    }

    @Test
    void prefixesMustNotHaveHostBits() {
        assertThat(IpPrefix.parse("prefix", "64:ff9b:0::/96")).hasToString("64:ff9b::/96");
        assertThat(IpPrefix.parse("prefix", "100.64.0.0/10")).hasToString("100.64.0.0/10");
        assertThatThrownBy(() -> IpPrefix.parse("prefix", "64:ff9b::1/96")).hasMessage(
                "prefix: 64:ff9b::1/96 has host bits set");
        assertThatThrownBy(() -> IpPrefix.parse("route", "10.0.0.0/33")).hasMessageStartingWith("route: length 33");
        assertThatThrownBy(() -> IpPrefix.parse("route", "10.0.0.0")).hasMessageStartingWith("route: expected");
    }
}
