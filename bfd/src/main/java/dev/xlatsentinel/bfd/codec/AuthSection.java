package dev.xlatsentinel.bfd.codec;

/**
 * Offsets of the optional authentication section (RFC 5880 §4.2-4.4), relative to the
 * start of the packet (the section starts at octet 24). Read through a {@link ControlPacket}.
 *
 * <p>Common header:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Auth Type   |   Auth Len    |    Authentication Data...     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Simple Password (§4.2), Auth Len = 3 + password length (1-16 octets):
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Auth Type   |   Auth Len    |  Auth Key ID  |  Password...  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              ...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Keyed MD5 and Meticulous Keyed MD5 (§4.3, Auth Len 24, 16-octet digest) and Keyed SHA1
 * and Meticulous Keyed SHA1 (§4.4, Auth Len 28, 20-octet hash):
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Auth Type   |   Auth Len    |  Auth Key ID  |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Auth Key / Digest / Hash...                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class AuthSection {
    public static final int OFFSET_TYPE = ControlPacket.OFFSET_AUTH;
    public static final int OFFSET_LEN = ControlPacket.OFFSET_AUTH + 1;
    public static final int OFFSET_KEY_ID = ControlPacket.OFFSET_AUTH + 2;
    public static final int OFFSET_PASSWORD = ControlPacket.OFFSET_AUTH + 3;
    public static final int OFFSET_RESERVED = ControlPacket.OFFSET_AUTH + 3;
    public static final int OFFSET_SEQUENCE = ControlPacket.OFFSET_AUTH + 4;
    public static final int OFFSET_DIGEST = ControlPacket.OFFSET_AUTH + 8;

    public static final int MAX_PASSWORD_LENGTH = 16;
    public static final int MD5_DIGEST_LENGTH = 16;
    public static final int SHA1_DIGEST_LENGTH = 20;
    /** Auth Len of the keyed MD5 types. */
    public static final int MD5_LENGTH = 8 + MD5_DIGEST_LENGTH;
    /** Auth Len of the keyed SHA1 types. */
    public static final int SHA1_LENGTH = 8 + SHA1_DIGEST_LENGTH;

    private AuthSection() {
    }

    /** Auth Type; call only when the packet holds at least 26 octets. */
    public static int type(ControlPacket p) {
        return p.buffer()[OFFSET_TYPE] & 0xff;
    }

    public static int len(ControlPacket p) {
        return p.buffer()[OFFSET_LEN] & 0xff;
    }

    public static int keyId(ControlPacket p) {
        return p.buffer()[OFFSET_KEY_ID] & 0xff;
    }

    public static int sequence(ControlPacket p) {
        return p.getInt(OFFSET_SEQUENCE);
    }
}
