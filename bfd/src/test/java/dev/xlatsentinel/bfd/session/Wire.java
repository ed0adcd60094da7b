package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;

/** Builds the peer's packets for session tests; fluent, mandatory section only unless grown. */
final class Wire {
    final byte[] buf = new byte[64];
    private final ControlPacket p = new ControlPacket().wrap(buf, buf.length);
    int length = ControlPacket.MANDATORY_LENGTH;

    static Wire from(int myDiscr) {
        Wire w = new Wire();
        w.p.writeMandatory(Diagnostic.NONE, State.DOWN, 0, 3, myDiscr, 0, 1_000_000, 1_000_000, 0);
        return w;
    }

    Wire state(State s) {
        buf[1] = (byte) (s.code() << 6 | buf[1] & 0x3f);
        return this;
    }

    Wire diag(Diagnostic d) {
        buf[0] = (byte) (buf[0] & 0xe0 | d.code());
        return this;
    }

    Wire your(int discr) {
        p.putInt(ControlPacket.OFFSET_YOUR_DISCRIMINATOR, discr);
        return this;
    }

    Wire my(int discr) {
        p.putInt(ControlPacket.OFFSET_MY_DISCRIMINATOR, discr);
        return this;
    }

    Wire mult(int m) {
        buf[2] = (byte) m;
        return this;
    }

    Wire txRx(long txMicros, long rxMicros) {
        p.putInt(ControlPacket.OFFSET_DESIRED_MIN_TX, (int) txMicros);
        p.putInt(ControlPacket.OFFSET_REQUIRED_MIN_RX, (int) rxMicros);
        return this;
    }

    Wire flag(int flag) {
        p.setFlag(flag, true);
        return this;
    }

    Wire version(int v) {
        buf[0] = (byte) (v << 5 | buf[0] & 0x1f);
        return this;
    }

    /** Sets the Length field without changing how many octets are delivered. */
    Wire lengthField(int l) {
        buf[3] = (byte) l;
        return this;
    }

    Wire delivered(int octets) {
        length = octets;
        return this;
    }

    ControlPacket view() {
        return new ControlPacket().wrap(buf, length);
    }
}
