package dev.xlatsentinel.bfd.codec;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** The flyweight reads any 24 octets and prints anything without throwing. */
class ControlPacketFuzzTest {
    @Property(tries = 20_000)
    void anyMandatorySectionDecodes(@ForAll @Size(min = 24, max = 64) byte[] b) {
        ControlPacket p = new ControlPacket().wrap(b, b.length);
        assertThat(p.version()).isBetween(0, 7);
        assertThat(p.state()).isNotNull();
        assertThat(p.diag()).isNotNull();
        assertThat(p.detectMult()).isBetween(0, 255);
        assertThat(p.length()).isBetween(0, 255);
        assertThat(p.desiredMinTxMicros()).isBetween(0L, 0xffff_ffffL);
        assertThat(p.toString()).startsWith("v");
    }

    @Property(tries = 2_000)
    void shortBuffersPrintAsTruncated(@ForAll @Size(max = 23) byte[] b) {
        assertThat(new ControlPacket().wrap(b, b.length).toString()).contains("truncated");
    }

    @Property(tries = 5_000)
    void writtenFieldsReadBack(@ForAll int my, @ForAll int your, @ForAll int tx, @ForAll int rx) {
        byte[] b = new byte[ControlPacket.MAX_LENGTH];
        ControlPacket p = new ControlPacket().wrap(b, b.length);
        p.writeMandatory(Diagnostic.PATH_DOWN, State.INIT, ControlPacket.FLAG_POLL, 7, my, your, tx & 0xffffffffL,
                rx & 0xffffffffL, 0);
        assertThat(p.myDiscriminator()).isEqualTo(my);
        assertThat(p.yourDiscriminator()).isEqualTo(your);
        assertThat(p.desiredMinTxMicros()).isEqualTo(tx & 0xffffffffL);
        assertThat(p.requiredMinRxMicros()).isEqualTo(rx & 0xffffffffL);
        assertThat(p.state()).isEqualTo(State.INIT);
        assertThat(p.poll()).isTrue();
        assertThat(p.length()).isEqualTo(24);
    }
}
