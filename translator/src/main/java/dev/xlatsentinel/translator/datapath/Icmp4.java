package dev.xlatsentinel.translator.datapath;

/**
 * ICMP for IPv4 echo (RFC 792), as read and written on a raw IPv4 ICMP socket: it sends the
 * ICMP message alone (the kernel adds the IPv4 header but not the ICMP checksum) and
 * receives whole IPv4 packets (header first).
 *
 * <pre>
 * Echo / Echo Reply: Type 8 / 0, Code 0, Checksum, Identifier, Sequence Number, Data
 * Errors (Destination Unreachable 3, Time Exceeded 11, Parameter Problem 12): Type, Code,
 * Checksum, 4 bytes unused, then the invoking packet's IPv4 header and its first 8 bytes
 * (our echo's type, code, checksum, identifier, sequence).
 * </pre>
 */
final class Icmp4 {
    static final int ECHO_REPLY = 0;
    static final int DEST_UNREACHABLE = 3;
    static final int ECHO_REQUEST = 8;
    static final int TIME_EXCEEDED = 11;
    static final int PARAMETER_PROBLEM = 12;
    private static final int HEADER = 8;
    private static final int PROTO_ICMP = 1;

    private Icmp4() {
    }

    /** An echo request with {@code id}, {@code seq}, 8 bytes of payload and its checksum (RFC 1071). */
    static byte[] echoRequest(int id, int seq, long payload) {
        byte[] p = new byte[HEADER + Icmp6.PAYLOAD];
        p[0] = (byte) ECHO_REQUEST;
        Icmp6.putShort(p, 4, id);
        Icmp6.putShort(p, 6, seq);
        for (int i = 0; i < 8; i++) {
            p[HEADER + i] = (byte) (payload >>> (56 - 8 * i));
        }
        Icmp6.putShort(p, 2, checksum(p));
        return p;
    }

    static int checksum(byte[] p) {
        long sum = 0;
        for (int i = 0; i + 1 < p.length; i += 2) {
            sum += Icmp6.getShort(p, i);
        }
        if (p.length % 2 == 1) {
            sum += (p[p.length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * Parses a received IPv4 packet: an echo reply, or an error quoting one of our echo
     * requests (reported with ICMPv6-like fields: reply or not, type, code); null otherwise.
     */
    static Icmp6.Parsed parse(byte[] b, int len) {
        if (len < 20 || (b[0] & 0xf0) != 0x40) {
            return null;
        }
        int ihl = (b[0] & 0x0f) * 4;
        if (len < ihl + HEADER) {
            return null;
        }
        int type = b[ihl] & 0xff;
        int code = b[ihl + 1] & 0xff;
        if (type == ECHO_REPLY) {
            // Reported as an ICMPv6 echo reply: the socket matches replies the same way.
            return new Icmp6.Parsed(Icmp6.ECHO_REPLY, 0, Icmp6.getShort(b, ihl + 4), Icmp6.getShort(b, ihl + 6));
        }
        if (type == DEST_UNREACHABLE || type == TIME_EXCEEDED || type == PARAMETER_PROBLEM) {
            int inner = ihl + HEADER;
            if (len < inner + 20 || (b[inner] & 0xf0) != 0x40 || (b[inner + 9] & 0xff) != PROTO_ICMP) {
                return null;
            }
            int icmp = inner + (b[inner] & 0x0f) * 4;
            if (len < icmp + HEADER || (b[icmp] & 0xff) != ECHO_REQUEST) {
                return null;
            }
            // Kept as the IPv4 type and code; describe() reads them.
            return new Icmp6.Parsed(1000 + type, code, Icmp6.getShort(b, icmp + 4), Icmp6.getShort(b, icmp + 6));
        }
        return null;
    }

    /** An ICMP error in words (RFC 792, RFC 1812 §5.2.7.1 codes). */
    static String describe(int type, int code) {
        return switch (type) {
            case DEST_UNREACHABLE -> "destination unreachable (" + switch (code) {
                case 0 -> "net unreachable";
                case 1 -> "host unreachable";
                case 3 -> "port unreachable";
                case 13 -> "administratively prohibited";
                default -> "code " + code;
            } + ")";
            case TIME_EXCEEDED -> "time exceeded";
            case PARAMETER_PROBLEM -> "parameter problem";
            default -> "ICMP type " + type + " code " + code;
        };
    }
}
