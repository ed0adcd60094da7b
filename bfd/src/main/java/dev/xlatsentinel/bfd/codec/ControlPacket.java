package dev.xlatsentinel.bfd.codec;

/**
 * A flyweight over one BFD Control packet in a {@code byte[]}: reads and writes fields in
 * place, allocates nothing. One instance is reused for every packet on a thread.
 *
 * <p>The mandatory section (RFC 5880 §4.1), 24 octets, network byte order:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       My Discriminator                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Your Discriminator                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Desired Min TX Interval                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Required Min RX Interval                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Required Min Echo RX Interval                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * followed, when A is set, by the authentication section ({@link AuthSection}).
 * Intervals are in microseconds.
 *
 * <p>Getters never throw for a buffer of at least {@link #MANDATORY_LENGTH} octets; callers
 * check {@link #payloadLength()} before reading (the receive path does, first of all).
 */
public final class ControlPacket {
    public static final int VERSION = 1;
    public static final int MANDATORY_LENGTH = 24;
    /** RFC 5880 §6.8.6: the shortest Length with the A bit set (mandatory + 2 auth octets). */
    public static final int MIN_LENGTH_WITH_AUTH = 26;
    /** The largest packet we build or accept into our buffers (mandatory + SHA1 section). */
    public static final int MAX_LENGTH = MANDATORY_LENGTH + AuthSection.SHA1_LENGTH;

    public static final int OFFSET_VERS_DIAG = 0;
    public static final int OFFSET_STATE_FLAGS = 1;
    public static final int OFFSET_DETECT_MULT = 2;
    public static final int OFFSET_LENGTH = 3;
    public static final int OFFSET_MY_DISCRIMINATOR = 4;
    public static final int OFFSET_YOUR_DISCRIMINATOR = 8;
    public static final int OFFSET_DESIRED_MIN_TX = 12;
    public static final int OFFSET_REQUIRED_MIN_RX = 16;
    public static final int OFFSET_REQUIRED_MIN_ECHO_RX = 20;
    public static final int OFFSET_AUTH = MANDATORY_LENGTH;

    public static final int FLAG_POLL = 0x20;
    public static final int FLAG_FINAL = 0x10;
    public static final int FLAG_CONTROL_PLANE_INDEPENDENT = 0x08;
    public static final int FLAG_AUTH_PRESENT = 0x04;
    public static final int FLAG_DEMAND = 0x02;
    public static final int FLAG_MULTIPOINT = 0x01;

    private byte[] buf;
    private int payloadLength;

    /** Points this flyweight at {@code payloadLength} octets of {@code buf} from offset 0. */
    public ControlPacket wrap(byte[] buf, int payloadLength) {
        if (payloadLength < 0 || payloadLength > buf.length) {
            throw new IllegalArgumentException("payload length " + payloadLength + " outside buffer of " + buf.length);
        }
        this.buf = buf;
        this.payloadLength = payloadLength;
        return this;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Octets that arrived (the UDP payload), as opposed to the Length field. */
    public int payloadLength() {
        return payloadLength;
    }

    public int version() {
        return (buf[OFFSET_VERS_DIAG] & 0xff) >>> 5;
    }

    public int diagCode() {
        return buf[OFFSET_VERS_DIAG] & 0x1f;
    }

    public Diagnostic diag() {
        return Diagnostic.of(diagCode());
    }

    public State state() {
        return State.of((buf[OFFSET_STATE_FLAGS] & 0xff) >>> 6);
    }

    public int flags() {
        return buf[OFFSET_STATE_FLAGS] & 0x3f;
    }

    public boolean poll() {
        return (flags() & FLAG_POLL) != 0;
    }

    public boolean fin() {
        return (flags() & FLAG_FINAL) != 0;
    }

    public boolean controlPlaneIndependent() {
        return (flags() & FLAG_CONTROL_PLANE_INDEPENDENT) != 0;
    }

    public boolean authPresent() {
        return (flags() & FLAG_AUTH_PRESENT) != 0;
    }

    public boolean demand() {
        return (flags() & FLAG_DEMAND) != 0;
    }

    public boolean multipoint() {
        return (flags() & FLAG_MULTIPOINT) != 0;
    }

    public int detectMult() {
        return buf[OFFSET_DETECT_MULT] & 0xff;
    }

    /** The Length field: the whole BFD packet in octets. */
    public int length() {
        return buf[OFFSET_LENGTH] & 0xff;
    }

    public int myDiscriminator() {
        return getInt(OFFSET_MY_DISCRIMINATOR);
    }

    public int yourDiscriminator() {
        return getInt(OFFSET_YOUR_DISCRIMINATOR);
    }

    /** Microseconds, unsigned 32 bits. */
    public long desiredMinTxMicros() {
        return getInt(OFFSET_DESIRED_MIN_TX) & 0xffff_ffffL;
    }

    public long requiredMinRxMicros() {
        return getInt(OFFSET_REQUIRED_MIN_RX) & 0xffff_ffffL;
    }

    public long requiredMinEchoRxMicros() {
        return getInt(OFFSET_REQUIRED_MIN_ECHO_RX) & 0xffff_ffffL;
    }

    /** Writes the whole mandatory section; Length is set to 24 (the auth signer grows it). */
    public ControlPacket writeMandatory(Diagnostic diag, State state, int flags, int detectMult, int myDiscriminator,
            int yourDiscriminator, long desiredMinTxMicros, long requiredMinRxMicros, long requiredMinEchoRxMicros) {
        buf[OFFSET_VERS_DIAG] = (byte) (VERSION << 5 | diag.code() & 0x1f);
        buf[OFFSET_STATE_FLAGS] = (byte) (state.code() << 6 | flags & 0x3f);
        buf[OFFSET_DETECT_MULT] = (byte) detectMult;
        buf[OFFSET_LENGTH] = (byte) MANDATORY_LENGTH;
        putInt(OFFSET_MY_DISCRIMINATOR, myDiscriminator);
        putInt(OFFSET_YOUR_DISCRIMINATOR, yourDiscriminator);
        putInt(OFFSET_DESIRED_MIN_TX, (int) desiredMinTxMicros);
        putInt(OFFSET_REQUIRED_MIN_RX, (int) requiredMinRxMicros);
        putInt(OFFSET_REQUIRED_MIN_ECHO_RX, (int) requiredMinEchoRxMicros);
        payloadLength = MANDATORY_LENGTH;
        return this;
    }

    /** Sets or clears flag bits (e.g. {@link #FLAG_AUTH_PRESENT}) in place. */
    public void setFlag(int flag, boolean on) {
        int b = buf[OFFSET_STATE_FLAGS] & 0xff;
        buf[OFFSET_STATE_FLAGS] = (byte) (on ? b | flag : b & ~flag);
    }

    public void setLength(int length) {
        buf[OFFSET_LENGTH] = (byte) length;
        payloadLength = length;
    }

    public int getInt(int offset) {
        return (buf[offset] & 0xff) << 24 | (buf[offset + 1] & 0xff) << 16 | (buf[offset + 2] & 0xff) << 8
                | buf[offset + 3] & 0xff;
    }

    public void putInt(int offset, int value) {
        buf[offset] = (byte) (value >>> 24);
        buf[offset + 1] = (byte) (value >>> 16);
        buf[offset + 2] = (byte) (value >>> 8);
        buf[offset + 3] = (byte) value;
    }

    /** One line for debug logs: what a capture tool would show. */
    @Override
    public String toString() {
        if (buf == null || payloadLength < MANDATORY_LENGTH) {
            return "ControlPacket[truncated " + payloadLength + " octets]";
        }
        StringBuilder f = new StringBuilder();
        if (poll()) f.append('P');
        if (fin()) f.append('F');
        if (controlPlaneIndependent()) f.append('C');
        if (authPresent()) f.append('A');
        if (demand()) f.append('D');
        if (multipoint()) f.append('M');
        return "v" + version() + " " + state() + " diag " + diag() + " flags [" + f + "] mult " + detectMult()
                + " len " + length() + " my " + Integer.toUnsignedString(myDiscriminator()) + " your "
                + Integer.toUnsignedString(yourDiscriminator()) + " tx " + desiredMinTxMicros() + " rx "
                + requiredMinRxMicros() + " echo " + requiredMinEchoRxMicros();
    }
}
