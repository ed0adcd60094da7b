package dev.xlatsentinel.bfd.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.support.Hex;
import org.junit.jupiter.api.Test;

class ControlPacketTest {
    /**
     * FRR bfdd's first packet of a session, as tshark shows it: v1, diag 0, Down, no flags,
     * mult 3, length 24, my discr 0x5d1f0001, your 0, tx 1 s, rx 300 ms, echo 50 ms.
     */
    private static final String FRR_DOWN = "20 40 03 18 5d1f0001 00000000 000f4240 000493e0 0000c350";

    @Test
    void decodesEveryFieldOfTheMandatorySection() {
        byte[] b = Hex.bytes(FRR_DOWN);
        ControlPacket p = new ControlPacket().wrap(b, b.length);
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.diag()).isEqualTo(Diagnostic.NONE);
        assertThat(p.state()).isEqualTo(State.DOWN);
        assertThat(p.flags()).isZero();
        assertThat(p.detectMult()).isEqualTo(3);
        assertThat(p.length()).isEqualTo(24);
        assertThat(p.myDiscriminator()).isEqualTo(0x5d1f0001);
        assertThat(p.yourDiscriminator()).isZero();
        assertThat(p.desiredMinTxMicros()).isEqualTo(1_000_000);
        assertThat(p.requiredMinRxMicros()).isEqualTo(300_000);
        assertThat(p.requiredMinEchoRxMicros()).isEqualTo(50_000);
    }

    @Test
    void encodesTheSameOctetsItDecodes() {
        byte[] out = new byte[ControlPacket.MAX_LENGTH];
        ControlPacket p = new ControlPacket().wrap(out, out.length);
        p.writeMandatory(Diagnostic.NONE, State.DOWN, 0, 3, 0x5d1f0001, 0, 1_000_000, 300_000, 50_000);
        assertThat(Hex.of(out, p.length())).isEqualTo(FRR_DOWN.replace(" ", ""));
    }

    @Test
    void readsFlagsStateAndDiagnosticBits() {
        // Up (3), P F C A D M all set, diag 5 (path down): 0x25, 0xff.
        byte[] b = Hex.bytes("25 ff 01 1a 00000001 00000002 00000000 ffffffff 00000000 0000");
        ControlPacket p = new ControlPacket().wrap(b, b.length);
        assertThat(p.diag()).isEqualTo(Diagnostic.PATH_DOWN);
        assertThat(p.state()).isEqualTo(State.UP);
        assertThat(p.poll()).isTrue();
        assertThat(p.fin()).isTrue();
        assertThat(p.controlPlaneIndependent()).isTrue();
        assertThat(p.authPresent()).isTrue();
        assertThat(p.demand()).isTrue();
        assertThat(p.multipoint()).isTrue();
        assertThat(p.requiredMinRxMicros()).isEqualTo(0xffff_ffffL);
    }

    @Test
    void reservedDiagnosticReadsAsReserved() {
        byte[] b = Hex.bytes("3f 40 03 18 00000001 00000000 000f4240 000f4240 00000000");
        assertThat(new ControlPacket().wrap(b, b.length).diag()).isEqualTo(Diagnostic.RESERVED);
    }

    @Test
    void setFlagAndLengthChangeOnlyTheirBits() {
        byte[] out = new byte[ControlPacket.MAX_LENGTH];
        ControlPacket p = new ControlPacket().wrap(out, out.length);
        p.writeMandatory(Diagnostic.ADMINISTRATIVELY_DOWN, State.ADMIN_DOWN, ControlPacket.FLAG_FINAL, 5, 1, 2, 3, 4, 0);
        p.setFlag(ControlPacket.FLAG_AUTH_PRESENT, true);
        p.setLength(33);
        assertThat(Hex.of(out, 4)).isEqualTo("27140521");
        assertThat(p.state()).isEqualTo(State.ADMIN_DOWN);
        assertThat(p.fin()).isTrue();
        assertThat(p.authPresent()).isTrue();
    }

    @Test
    void diagnosticsParseFromOperatorNamesAndNumbers() {
        assertThat(Diagnostic.parse("path-down")).isEqualTo(Diagnostic.PATH_DOWN);
        assertThat(Diagnostic.parse("7")).isEqualTo(Diagnostic.ADMINISTRATIVELY_DOWN);
        assertThat(Diagnostic.of(3).label()).isEqualTo("neighbor-signaled-session-down");
    }
}
