package dev.xlatsentinel.translator.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** ICMPv4 echo as written and read on a raw socket (RFC 792), checksum per RFC 1071. */
class Icmp4Test {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void anEchoRequestCarriesIdSeqAndAChecksumThatSumsToZero() {
        byte[] p = Icmp4.echoRequest(0x1234, 0xbeef, 0x0102030405060708L);
        assertThat(HEX.formatHex(p, 0, 8)).startsWith("0800").endsWith("1234beef");
        assertThat(Icmp4.checksum(p)).as("the checksum over a message with its checksum is 0").isZero();
    }

    @Test
    void parsesAReplyWithItsIpv4HeaderAndAnErrorQuotingOurRequest() {
        byte[] reply = HEX.parseHex("45000024000000004001000064406410640002"
                + "02" + "0000" + "0000" + "1234" + "0007" + "0102030405060708");
        assertThat(Icmp4.parse(reply, reply.length)).isEqualTo(new Icmp6.Parsed(Icmp6.ECHO_REPLY, 0, 0x1234, 7));
        // Destination unreachable (net) from a router, quoting our request's IPv4 header and first 8 bytes.
        byte[] unreach = HEX.parseHex("4500003800000000400100006440000164400002" + "0300" + "0000" + "00000000"
                + "4500002400000000400100006440000264406410" + "0800" + "0000" + "1234" + "0009");
        Icmp6.Parsed m = Icmp4.parse(unreach, unreach.length);
        assertThat(m.isReply()).isFalse();
        assertThat(m.seq()).isEqualTo(9);
        assertThat(Icmp4.describe(m.type() - 1000, m.code())).isEqualTo("destination unreachable (net unreachable)");
        assertThat(Icmp4.parse(HEX.parseHex("4500001c00000000400100006440000164400002" + "0b00000000000000"), 28))
                .as("an error quoting something else").isNull();
    }
}
