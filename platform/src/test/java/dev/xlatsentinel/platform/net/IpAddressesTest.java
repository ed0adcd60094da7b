package dev.xlatsentinel.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {
    @ParameterizedTest
    @CsvSource({"2001:DB8:ff:0:0:0:0:1, 2001:db8:ff::1", "64:ff9b:0::, 64:ff9b::",
        "2001:db8:0:1:0:0:0:0, 2001:db8:0:1::", "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1", "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", "::, ::",
        "::1, ::1", "fe80:0:0:0:0:0:0:1, fe80::1", "64:ff9b::c000:221, 64:ff9b::c000:221",
        "100.64.0.1, 100.64.0.1"})
    void addressesAreWrittenAsInetNtopWritesThem(String in, String out) {
        assertThat(IpAddresses.text(IpAddresses.parse(in))).isEqualTo(out);
    }

    @Test
    void namesAndShorthandsAreRefused() {
        assertThatThrownBy(() -> IpAddresses.parse("gateway.example"))
                .hasMessage("'gateway.example' is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> IpAddresses.parse("10.1")).hasMessage("'10.1' is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> IpAddresses.parse("1:2:3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpAddresses.parse("::ffff:10.0.0.1")).hasMessageContaining("IPv4-mapped");
        assertThatThrownBy(() -> IpAddresses.parse("fe80::1%eth0")).hasMessage("'fe80::1%eth0' is not an IPv4 or"
                + " IPv6 address: write fe80::1 without the zone index, and the interface in its own field"
                + " (interface: eth0)");
        assertThatThrownBy(() -> IpAddresses.parse(null)).hasMessage("an IP address is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"010.0.0.1", "256.0.0.1", "1.2.3", "::1", "a.b.c.d"})
    void ipv4TakesDottedQuadsOnly(String text) {
        assertThatThrownBy(() -> IpAddresses.ipv4(text)).hasMessage("'" + text + "' is not an IPv4 address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "::ffff:192.0.2.1", "2001:db8::/32", "[::1]", "host"})
    void ipv6TakesIpv6LiteralsOnly(String text) {
        assertThatThrownBy(() -> IpAddresses.ipv6(text)).hasMessage("'" + text + "' is not an IPv6 address");
    }

    @Test
    void ipv6KeepsItsFamily() {
        assertThat(IpAddresses.ipv6("64:ff9b::")).isInstanceOf(Inet6Address.class);
        assertThat(IpAddresses.ipv4("192.0.2.33").getAddress()).containsExactly(192, 0, 2, 33);
    }
}
