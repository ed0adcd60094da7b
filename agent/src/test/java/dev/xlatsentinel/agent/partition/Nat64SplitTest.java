package dev.xlatsentinel.agent.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.agent.partition.Nat64Split.Ipv4Block;
import dev.xlatsentinel.agent.partition.Nat64Split.Part;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6052 §2.2: where the IPv4 destination sits after each prefix length, and the parts cut there. */
class Nat64SplitTest {

    @Test
    void theWellKnownPrefixSplitsInHalvesAndEighthsAtBit96() {
        Nat64Split wkp = Nat64Split.of("64:ff9b::/96");
        assertThat(wkp.parts(2)).extracting(Part::ipv6).containsExactly("64:ff9b::/97", "64:ff9b::8000:0/97");
        assertThat(wkp.parts(2)).extracting(p -> p.ipv4().toString()).containsExactly("0.0.0.0/1", "128.0.0.0/1");
        List<Part> eighths = wkp.parts(8);
        assertThat(eighths.get(3).ipv6()).isEqualTo("64:ff9b::6000:0/99");
        assertThat(eighths.get(3).ipv4()).hasToString("96.0.0.0/3");
        assertThat(eighths.get(7).ipv6()).isEqualTo("64:ff9b::e000:0/99");
        assertThat(wkp.parts(256).get(100).ipv6()).isEqualTo("64:ff9b::6400:0/104");
        assertThat(wkp.parts(1)).extracting(Part::ipv6).containsExactly("64:ff9b::/96");
    }

    @Test
    void afterASlash64TheUOctetStaysZeroAndTheIpv4AddressStartsAtBit72() {
        Nat64Split nsp = Nat64Split.of("2001:db8:1:2::/64");
        assertThat(nsp.parts(2)).extracting(Part::ipv6).containsExactly("2001:db8:1:2::/73", "2001:db8:1:2:80::/73");
    }

    @Test
    void shorterPrefixesHoldTheFirstOctetRightAfterThem() {
        assertThat(Nat64Split.of("2001:db8::/32").parts(2).get(1).ipv6()).isEqualTo("2001:db8:8000::/33");
        assertThat(Nat64Split.of("2001:db8:aa::/48").parts(4).get(3).ipv6()).isEqualTo("2001:db8:aa:c000::/50");
        assertThat(Nat64Split.of("2001:db8:0:100::/56").parts(256).get(255).ipv6()).isEqualTo("2001:db8:0:1ff::/64");
    }

    @Test
    void anInstancesDestinationsMapToTheirPrefix() {
        Nat64Split wkp = Nat64Split.of("64:ff9b::/96");
        assertThat(wkp.ipv6(Ipv4Block.parse("128.0.0.0/1"))).isEqualTo("64:ff9b::8000:0/97");
        assertThat(wkp.ipv6(Ipv4Block.ALL)).isEqualTo("64:ff9b::/96");
        assertThat(Ipv4Block.parse("0.0.0.0/1").contains(Ipv4Block.parse("96.0.0.0/3"))).isTrue();
        assertThat(Ipv4Block.parse("0.0.0.0/1").contains(Ipv4Block.parse("128.0.0.0/3"))).isFalse();
        assertThat(Ipv4Block.parse("0.0.0.0/1").overlaps(Ipv4Block.parse("0.0.0.0/2"))).isTrue();
        assertThat(Ipv4Block.parse("0.0.0.0/2").overlaps(Ipv4Block.parse("64.0.0.0/2"))).isFalse();
    }

    @Test
    void whatCannotBeSplitIsNamed() {
        assertThatThrownBy(() -> Nat64Split.of("64:ff9b::/80")).hasMessage(
                "NAT64 prefix length must be one of 32, 40, 48, 56, 64, 96 (RFC 6052 §2.2), not /80");
        assertThatThrownBy(() -> Nat64Split.of("100.64.0.0/10")).hasMessageContaining("not an IPv6 prefix");
        assertThatThrownBy(() -> Nat64Split.of("64:ff9b::1/96")).hasMessageContaining("host bits");
        Nat64Split wkp = Nat64Split.of("64:ff9b::/96");
        assertThatThrownBy(() -> wkp.parts(6)).hasMessageContaining("power of two from 1 to 256");
        assertThatThrownBy(() -> wkp.parts(512)).hasMessageContaining("power of two from 1 to 256");
        assertThatThrownBy(() -> Ipv4Block.parse("10.0.0.0/9")).hasMessageContaining("longer than /8");
        assertThatThrownBy(() -> Ipv4Block.parse("64:ff9b::/97")).hasMessageContaining("not an IPv4 prefix");
        assertThatThrownBy(() -> Ipv4Block.parse("1.0.0.0/1")).hasMessageContaining("host bits");
    }
}
