package dev.xlatsentinel.translator.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.platform.net.IpAddresses;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6052 §2.2 address synthesis, checked against the RFC's own §2.4 table. */
class Nat64PrefixTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2001:db8::/32,         2001:db8:c000:221::",
        "2001:db8:100::/40,     2001:db8:1c0:2:21::",
        "2001:db8:122::/48,     2001:db8:122:c000:2:2100::",
        "2001:db8:122:300::/56, 2001:db8:122:3c0:0:221::",
        "2001:db8:122:344::/64, 2001:db8:122:344:c0:2:2100:0",
        "2001:db8:122:344::/96, 2001:db8:122:344::192.0.2.33",
        "64:ff9b::/96,          64:ff9b::192.0.2.33",
    })
    void embedsTheRfc6052Section24Examples(String prefix, String expected) throws Exception {
        Nat64Prefix p = Nat64Prefix.parse(prefix);
        assertThat(p.embed(IpAddresses.ipv4("192.0.2.33"))).isEqualTo(InetAddress.getByName(expected));
        assertThat(p.extract(IpAddresses.ipv6(expected))).isEqualTo(IpAddresses.ipv4("192.0.2.33"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "64:ff9b::/95|NAT64 prefix length must be one of 32, 40, 48, 56, 64, 96 (RFC 6052 §2.2), not /95",
        "64:ff9b::/128|NAT64 prefix length must be one of 32, 40, 48, 56, 64, 96 (RFC 6052 §2.2), not /128",
        "2001:db8:0:0:ff00::/96|NAT64 prefix 2001:db8:0:0:ff00::/96 sets bits 64-71, which RFC 6052 §2.2 requires to be zero",
        "2001:db8::1/32|NAT64 prefix: 2001:db8::1/32 has host bits set",
        "64:ff9b::|NAT64 prefix: '64:ff9b::' is not ADDRESS/LENGTH (e.g. 192.0.2.0/24, 2001:db8::/32)",
        "192.0.2.0/24|NAT64 prefix must be an IPv6 prefix, got '192.0.2.0/24'",
        "192.0.2.0/96|NAT64 prefix: length 96 is outside 0 to 32 in '192.0.2.0/96'",
        "64:ff9b::/x|NAT64 prefix: 'x' is not a prefix length in '64:ff9b::/x'",
    })
    void rejectsWhatRfc6052Forbids(String prefix, String message) {
        assertThatThrownBy(() -> Nat64Prefix.parse(prefix)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource({"64:ff9b::c000:221, 64:ff9b::c000:221", "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "0:0:0:0:0:0:0:0, ::", "2001:0:0:1:0:0:0:1, 2001:0:0:1::1", "fe80:0:0:0:0:0:0:1, fe80::1"})
    void printsIpv6AsRfc5952(String in, String out) {
        assertThat(IpAddresses.text(IpAddresses.ipv6(in))).isEqualTo(out);
    }
}
