package dev.xlatsentinel.translator.datapath;

/**
 * ICMPv6 echo and error messages (RFC 4443), as read and written on a raw ICMPv6 socket
 * (which carries the ICMPv6 header without the IPv6 header; the kernel fills the checksum,
 * RFC 3542 §3.1).
 *
 * <pre>
 * Echo Request / Reply (RFC 4443 §4.1, §4.2)
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Identifier          |        Sequence Number        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...
 *
 * Errors (RFC 4443 §3): Type, Code, Checksum, 4 bytes (unused / MTU / pointer), then as much
 * of the invoking packet as fits: its 40-byte IPv6 header, then its ICMPv6 echo header.
 * </pre>
 */
final class Icmp6 {
    static final int ECHO_REQUEST = 128;
    static final int ECHO_REPLY = 129;
    static final int DEST_UNREACHABLE = 1;
    static final int PACKET_TOO_BIG = 2;
    static final int TIME_EXCEEDED = 3;
    static final int PARAMETER_PROBLEM = 4;

    static final int HEADER = 8;
    static final int IPV6_HEADER = 40;
    private static final int IPV6_NEXT_HEADER = 6;
    private static final int PROTO_ICMPV6 = 58;
    static final int PAYLOAD = 8;

    private Icmp6() {
    }

    /** An echo request with {@code id}, {@code seq} and 8 bytes of payload. */
    static byte[] echoRequest(int id, int seq, long payload) {
        byte[] p = new byte[HEADER + PAYLOAD];
        p[0] = (byte) ECHO_REQUEST;
        putShort(p, 4, id);
        putShort(p, 6, seq);
        for (int i = 0; i < 8; i++) {
            p[HEADER + i] = (byte) (payload >>> (56 - 8 * i));
        }
        return p;
    }

    /** A parsed message that concerns an echo: reply or error quoting a request. */
    record Parsed(int type, int code, int id, int seq) {
        boolean isReply() {
            return type == ECHO_REPLY;
        }
    }

    /** Parses what a raw socket returned; null if it is neither a reply nor an error quoting an echo request. */
    static Parsed parse(byte[] b, int len) {
        if (len < HEADER) {
            return null;
        }
        int type = b[0] & 0xff;
        int code = b[1] & 0xff;
        if (type == ECHO_REPLY) {
            return new Parsed(type, code, getShort(b, 4), getShort(b, 6));
        }
        if (type >= DEST_UNREACHABLE && type <= PARAMETER_PROBLEM) {
            int inner = HEADER;
            int icmp = inner + IPV6_HEADER;
            if (len < icmp + HEADER || (b[inner] & 0xf0) != 0x60 || (b[inner + IPV6_NEXT_HEADER] & 0xff) != PROTO_ICMPV6
                    || (b[icmp] & 0xff) != ECHO_REQUEST) {
                return null;
            }
            return new Parsed(type, code, getShort(b, icmp + 4), getShort(b, icmp + 6));
        }
        return null;
    }

    /** An ICMPv6 error in words (RFC 4443 §3). */
    static String describe(int type, int code) {
        return switch (type) {
            case DEST_UNREACHABLE -> "destination unreachable (" + switch (code) {
                case 0 -> "no route";
                case 1 -> "administratively prohibited";
                case 2 -> "beyond scope of source";
                case 3 -> "address unreachable";
                case 4 -> "port unreachable";
                case 5 -> "source address failed policy";
                case 6 -> "reject route";
                default -> "code " + code;
            } + ")";
            case PACKET_TOO_BIG -> "packet too big";
            case TIME_EXCEEDED -> code == 0 ? "hop limit exceeded" : "fragment reassembly time exceeded";
            case PARAMETER_PROBLEM -> "parameter problem (code " + code + ")";
            default -> "ICMPv6 type " + type + " code " + code;
        };
    }

    static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static int getShort(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
