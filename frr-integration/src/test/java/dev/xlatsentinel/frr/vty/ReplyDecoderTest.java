package dev.xlatsentinel.frr.vty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ReplyDecoderTest {
    private static ByteBuffer hex(String h) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(h.replace(" ", "")));
    }

    @Test
    void textThenThreeNulsThenStatus() {
        // "ok\n" 00 00 00 0d (CMD_WARNING_CONFIG_FAILED)
        ReplyDecoder.Frame f = new ReplyDecoder().feed(hex("6f6b0a 000000 0d"));
        assertThat(f).isEqualTo(new ReplyDecoder.Frame("ok\n", 13));
    }

    @Test
    void emptyReplyIsJustTheTerminator() {
        assertThat(new ReplyDecoder().feed(hex("000000 00"))).isEqualTo(new ReplyDecoder.Frame("", 0));
    }

    @Test
    void terminatorSplitAcrossReadsWaitsForTheStatusByte() {
        ReplyDecoder d = new ReplyDecoder();
        assertThat(d.feed(hex("41 00"))).isNull();
        assertThat(d.inProgress()).isTrue();
        assertThat(d.feed(hex("00 00"))).isNull();
        assertThat(d.feed(hex("02"))).isEqualTo(new ReplyDecoder.Frame("A", 2));
    }

    @Test
    void bytesAfterTheStatusAreAProtocolError() {
        assertThatThrownBy(() -> new ReplyDecoder().feed(hex("000000 00 41")))
                .isInstanceOf(ReplyDecoder.VtyProtocolError.class).hasMessageContaining("after the status byte");
    }

    @Test
    void textInsideTheTerminatorIsAProtocolError() {
        assertThatThrownBy(() -> new ReplyDecoder().feed(hex("41 00 41")))
                .isInstanceOf(ReplyDecoder.VtyProtocolError.class).hasMessageContaining("inside the");
    }

    @Property(tries = 300)
    void anyTextSplitAnywhereDecodesToTheSameFrame(
            @ForAll @StringLength(max = 200) @CharRange(from = 1, to = 0x2fff) String text,
            @ForAll @IntRange(min = 0, max = 255) int status, @ForAll @IntRange(min = 1, max = 17) int chunk) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer all = ByteBuffer.allocate(t.length + 4).put(t).put(new byte[3]).put((byte) status).flip();
        ReplyDecoder d = new ReplyDecoder();
        ReplyDecoder.Frame f = null;
        while (all.hasRemaining()) {
            assertThat(f).isNull();
            ByteBuffer piece = all.slice(all.position(), Math.min(chunk, all.remaining()));
            all.position(all.position() + piece.remaining());
            f = d.feed(piece);
        }
        assertThat(f).isEqualTo(new ReplyDecoder.Frame(text, status));
    }
}
