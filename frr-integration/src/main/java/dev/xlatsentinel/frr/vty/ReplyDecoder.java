package dev.xlatsentinel.frr.vty;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Frames one vty reply out of the byte stream. A daemon answers a command with its printed
 * text, then {@code \0\0\0} and one status byte (lib/vty.c, vtysh_read). The text itself
 * never holds a NUL, so the first NUL starts the terminator:
 *
 * <pre>
 *   +---------------------------+----+----+----+--------+
 *   | text (UTF-8, no NUL)  ... | 00 | 00 | 00 | status |
 *   +---------------------------+----+----+----+--------+
 * </pre>
 *
 * One command is in flight at a time, so a byte after the status byte is a protocol error.
 */
final class ReplyDecoder {
    /** Upper bound for one reply; a full {@code show running-config} is a few hundred kB at most. */
    static final int MAX_REPLY_BYTES = 16 << 20;

    /** What a finished frame held. */
    record Frame(String text, int status) {
    }

    private final ByteArrayOutputStream text = new ByteArrayOutputStream(256);
    private int nulsSeen;
    private int status = -1;

    /**
     * Consumes all of {@code in}; returns the frame once its status byte arrived, else null.
     *
     * @throws VtyProtocolError when the bytes cannot be a vty reply
     */
    Frame feed(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (status >= 0) {
                throw new VtyProtocolError((in.remaining() + 1) + " byte(s) after the status byte of one reply");
            }
            if (nulsSeen == 3) {
                status = b & 0xff;
            } else if (b == 0) {
                nulsSeen++;
            } else if (nulsSeen > 0) {
                throw new VtyProtocolError("byte 0x" + Integer.toHexString(b & 0xff) + " inside the \\0\\0\\0 terminator");
            } else {
                if (text.size() >= MAX_REPLY_BYTES) {
                    throw new VtyProtocolError("reply longer than " + MAX_REPLY_BYTES + " bytes without a terminator");
                }
                text.write(b);
            }
        }
        return status >= 0 ? new Frame(text.toString(StandardCharsets.UTF_8), status) : null;
    }

    /** True when some of a reply has arrived but not its end. */
    boolean inProgress() {
        return status < 0 && (text.size() > 0 || nulsSeen > 0);
    }

    /** Ready for the next reply. */
    void reset() {
        text.reset();
        nulsSeen = 0;
        status = -1;
    }

    /** The byte stream broke the framing rules. */
    static final class VtyProtocolError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        VtyProtocolError(String message) {
            super(message);
        }
    }
}
