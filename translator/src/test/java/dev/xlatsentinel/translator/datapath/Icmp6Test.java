package dev.xlatsentinel.translator.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** ICMPv6 messages as a raw socket returns them (no IPv6 header), written as a capture shows. */
class Icmp6Test {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void echoRequestCarriesIdSeqAndPayload() {
        assertThat(HexFormat.of().formatHex(Icmp6.echoRequest(0x1234, 0xbeef, 0x0102030405060708L)))
                .isEqualTo("800000001234beef0102030405060708");
    }

    @Test
    void parsesAReplyAndAnErrorQuotingOurRequest() {
        byte[] reply = hex("8100 abcd 1234 beef 0102030405060708");
        assertThat(Icmp6.parse(reply, reply.length)).isEqualTo(new Icmp6.Parsed(129, 0, 0x1234, 0xbeef));
        // Destination unreachable, code 0, then the invoking packet: IPv6 header (next header 58), echo request.
        byte[] unreach = hex("0100 0000 00000000"
                + "6000 0000 0010 3a3f 20010db8ffff00000000000000000002 0064ff9b000000000000000064400909"
                + "8000 0000 1234 0007 0102030405060708");
        assertThat(Icmp6.parse(unreach, unreach.length)).isEqualTo(new Icmp6.Parsed(1, 0, 0x1234, 7));
        assertThat(Icmp6.describe(1, 0)).isEqualTo("destination unreachable (no route)");
    }

    @Test
    void ignoresWhatIsNotAboutAnEcho() {
        byte[] neighbour = hex("8700 0000 00000000 20010db8000000000000000000000001");
        assertThat(Icmp6.parse(neighbour, neighbour.length)).isNull();
        byte[] shortError = hex("0100 0000 00000000 6000");
        assertThat(Icmp6.parse(shortError, shortError.length)).isNull();
        byte[] tiny = hex("8100");
        assertThat(Icmp6.parse(tiny, tiny.length)).isNull();
    }
}
