package dev.xlatsentinel.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpPrefixTest {
    @Test
    void prefixesAreWrittenCanonically() {
        assertThat(IpPrefix.parse("64:ff9b:0::/96")).hasToString("64:ff9b::/96");
        assertThat(IpPrefix.parse("100.64.0.0/10")).hasToString("100.64.0.0/10");
        assertThat(IpPrefix.parse("0.0.0.0/0").isIpv6()).isFalse();
        assertThat(IpPrefix.parse("::/0").isIpv6()).isTrue();
    }

    @Test
    void hostBitsAreRefusedNotMasked() {
        assertThatThrownBy(() -> IpPrefix.parse("64:ff9b::1/96")).hasMessage("64:ff9b::1/96 has host bits set");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.1/8")).hasMessage("10.0.0.1/8 has host bits set");
    }

    @Test
    void lengthAndShapeAreChecked() {
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33")).hasMessage("length 33 is outside 0 to 32 in '10.0.0.0/33'");
        assertThatThrownBy(() -> IpPrefix.parse("::/129")).hasMessage("length 129 is outside 0 to 128 in '::/129'");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0")).hasMessageStartingWith("'10.0.0.0' is not ADDRESS/LENGTH");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/x")).hasMessage("'x' is not a prefix length in '10.0.0.0/x'");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/-1")).hasMessageContaining("is not a prefix length");
        assertThatThrownBy(() -> IpPrefix.parse("net/8")).hasMessage("'net' is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> IpPrefix.parse(null)).hasMessageContaining("is not ADDRESS/LENGTH");
    }

    @Test
    void containsComparesTheLeadingBits() {
        IpPrefix p = IpPrefix.parse("64:ff9b::/96");
        assertThat(p.contains(IpAddresses.parse("64:ff9b::c000:221"))).isTrue();
        assertThat(p.contains(IpAddresses.parse("64:ff9c::1"))).isFalse();
        assertThat(p.contains(IpAddresses.parse("192.0.2.1"))).isFalse();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains(IpAddresses.parse("192.0.2.1"))).isTrue();
    }

    @Test
    void interfaceAddressesKeepTheirHostBits() {
        InterfaceAddress a = InterfaceAddress.parse("2001:db8:ffff:0::2/64");
        assertThat(a).hasToString("2001:db8:ffff::2/64");
        assertThat(a.subnet()).hasToString("2001:db8:ffff::/64");
        assertThat(a.isIpv6()).isTrue();
        assertThatThrownBy(() -> InterfaceAddress.parse("2001:db8::2")).hasMessageContaining("is not ADDRESS/LENGTH");
        assertThatThrownBy(() -> InterfaceAddress.parse("192.0.2.1/40")).hasMessageStartingWith("length 40");
    }
}
