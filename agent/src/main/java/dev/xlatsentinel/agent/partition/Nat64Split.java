package dev.xlatsentinel.agent.partition;

import dev.xlatsentinel.frr.addr.IpLiteral;
import dev.xlatsentinel.frr.addr.IpPrefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A NAT64 prefix cut into equal parts by the IPv4 destination it embeds. RFC 6052 §2.2 puts
 * the IPv4 address at a fixed place after the prefix: right after a /32, /40, /48 or /56
 * prefix (up to bit 63, then the u octet, bits 64-71, which must be zero), after the u octet
 * for a /64, and in the last 32 bits for a /96. The first 8 bits of the IPv4 address are
 * contiguous in every case, so 2, 4, ... 256 parts are each one IPv6 prefix: for
 * 64:ff9b::/96, the IPv4 destinations 0.0.0.0/1 are 64:ff9b::/97, 128.0.0.0/1 are
 * 64:ff9b::8000:0/97, and 96.0.0.0/3 is 64:ff9b::6000:0/99.
 */
public final class Nat64Split {
    /** At most 2^8 parts: the first octet of the IPv4 destination. */
    public static final int MAX_PARTS = 256;

    /**
     * One part: its index (0 = the lowest IPv4 destinations), the IPv4 destinations it
     * holds, and the IPv6 prefix the router routes.
     */
    public record Part(int index, Ipv4Block ipv4, String ipv6) {
    }

    /** An IPv4 prefix of length 0 to 8: the destinations a part or a translator instance covers. */
    public record Ipv4Block(int firstOctet, int length) {
        public Ipv4Block {
            if (length < 0 || length > 8 || firstOctet < 0 || firstOctet > 255
                    || (firstOctet & (0xff >> length)) != 0) {
                throw new IllegalArgumentException(firstOctet + ".0.0.0/" + length + " is not a /0 to /8 block");
            }
        }

        /** All IPv4 destinations. */
        public static final Ipv4Block ALL = new Ipv4Block(0, 0);

        /**
         * Parses {@code A.0.0.0/L} with L from 0 to 8 (a translator instance covers a block of
         * the address space, e.g. 0.0.0.0/1, 128.0.0.0/1).
         */
        public static Ipv4Block parse(String text) {
            IpPrefix p = parsePrefix(text);
            if (p.isIpv6()) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 prefix");
            }
            if (p.length() > 8) {
                throw new IllegalArgumentException("'" + text + "' is longer than /8 (parts split the first octet only)");
            }
            return new Ipv4Block(Integer.parseInt(p.address().substring(0, p.address().indexOf('.'))), p.length());
        }

        public boolean contains(Ipv4Block b) {
            return b.length >= length && (b.firstOctet & ~(0xff >> length) & 0xff) == firstOctet;
        }

        public boolean overlaps(Ipv4Block b) {
            return contains(b) || b.contains(this);
        }

        @Override
        public String toString() {
            return firstOctet + ".0.0.0/" + length;
        }
    }

    private final IpPrefix prefix;
    private final byte[] bytes;
    /** The bit of the IPv6 address that holds the IPv4 address's first bit (RFC 6052 §2.2). */
    private final int ipv4At;

    private Nat64Split(IpPrefix prefix, byte[] bytes, int ipv4At) {
        this.prefix = prefix;
        this.bytes = bytes;
        this.ipv4At = ipv4At;
    }

    /**
     * @param text an IPv6 prefix of length 32, 40, 48, 56, 64 or 96 (RFC 6052 §2.2)
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Nat64Split of(String text) {
        IpPrefix p = parsePrefix(text);
        if (!p.isIpv6()) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 prefix");
        }
        int at = switch (p.length()) {
            case 32, 40, 48, 56 -> p.length();
            case 64 -> 72;
            case 96 -> 96;
            default -> throw new IllegalArgumentException("NAT64 prefix length must be one of 32, 40, 48, 56, 64, "
                    + "96 (RFC 6052 §2.2), not /" + p.length());
        };
        byte[] b;
        try {
            b = InetAddress.getByName(p.address()).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
        return new Nat64Split(p, b, at);
    }

    /** A prefix without host bits; the reason alone when it is not (the caller names the field). */
    static IpPrefix parsePrefix(String text) {
        try {
            return IpPrefix.parse("p", text);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith("p: ") ? m.substring(3) : m, e);
        }
    }

    public String prefix() {
        return prefix.toString();
    }

    /**
     * The {@code count} parts, lowest IPv4 destinations first.
     *
     * @throws IllegalArgumentException unless count is a power of two from 1 to {@value #MAX_PARTS}
     */
    public List<Part> parts(int count) {
        if (count < 1 || count > MAX_PARTS || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("must be a power of two from 1 to " + MAX_PARTS + " (each part is "
                    + "one prefix), got " + count);
        }
        int bits = Integer.numberOfTrailingZeros(count);
        List<Part> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Ipv4Block v4 = new Ipv4Block(bits == 0 ? 0 : i << (8 - bits), bits);
            parts.add(new Part(i, v4, ipv6(v4)));
        }
        return List.copyOf(parts);
    }

    /** The IPv6 prefix under this NAT64 prefix that holds exactly the destinations {@code v4}. */
    public String ipv6(Ipv4Block v4) {
        byte[] b = bytes.clone();
        for (int i = 0; i < v4.length(); i++) {
            if ((v4.firstOctet() & (0x80 >> i)) != 0) {
                int bit = ipv4At + i;
                b[bit / 8] |= (byte) (0x80 >> (bit % 8));
            }
        }
        int length = v4.length() == 0 ? prefix.length() : ipv4At + v4.length();
        try {
            return IpLiteral.format(InetAddress.getByAddress(b)) + "/" + length;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
