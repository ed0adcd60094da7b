package dev.xlatsentinel.translator.datapath;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * A NAT64 prefix (pool6) and the IPv4-embedded IPv6 addresses it forms (RFC 6052 §2.2).
 *
 * <pre>
 * +--+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
 * |PL| 0-------------32--40--48--56--64--72--80--88--96--104---------|
 * +--+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
 * |32|     prefix    |v4(32)         | u | suffix                    |
 * |40|     prefix        |v4(24)     | u |(8)| suffix                |
 * |48|     prefix            |v4(16) | u | (16)  | suffix            |
 * |56|     prefix                |(8)| u |  v4(24)   | suffix        |
 * |64|     prefix                    | u |   v4(32)      | suffix    |
 * |96|     prefix                                    |    v4(32)     |
 * +--+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
 * </pre>
 * Bits 64-71 (the u octet) are zero, and so is the suffix.
 */
public record Nat64Prefix(Inet6Address address, int length) {
    /** The lengths RFC 6052 §2.2 allows. */
    public static final Set<Integer> LENGTHS = Set.of(32, 40, 48, 56, 64, 96);

    /** The u octet: byte 8 of the address, skipped when embedding (RFC 6052 §2.2). */
    private static final int U_OCTET = 8;

    public Nat64Prefix {
        if (!LENGTHS.contains(length)) {
            throw new IllegalArgumentException("NAT64 prefix length must be one of 32, 40, 48, 56, 64, 96"
                    + " (RFC 6052 §2.2), not /" + length);
        }
        byte[] b = address.getAddress();
        for (int bit = length; bit < 128; bit++) {
            if ((b[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("NAT64 prefix " + Addresses.text(address) + "/" + length
                        + " has bits set after the prefix length");
            }
        }
        if (b[U_OCTET] != 0) {
            throw new IllegalArgumentException("NAT64 prefix " + Addresses.text(address) + "/" + length
                    + " sets bits 64-71, which RFC 6052 §2.2 requires to be zero");
        }
    }

    /** Parses {@code 64:ff9b::/96}; throws IllegalArgumentException naming what is wrong. */
    public static Nat64Prefix parse(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("NAT64 prefix must look like 64:ff9b::/96, got '" + cidr + "'");
        }
        String addr = cidr.substring(0, slash);
        int len;
        try {
            len = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("NAT64 prefix length is not a number in '" + cidr + "'");
        }
        if (!addr.contains(":")) {
            throw new IllegalArgumentException("NAT64 prefix must be an IPv6 prefix, got '" + cidr + "'");
        }
        try {
            InetAddress a = InetAddress.getByName(addr);
            if (!(a instanceof Inet6Address a6)) {
                // getByName maps ::ffff:a.b.c.d to IPv4.
                throw new IllegalArgumentException("NAT64 prefix must be an IPv6 prefix, got '" + cidr + "'");
            }
            return new Nat64Prefix(a6, len);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("NAT64 prefix '" + cidr + "' is not an IPv6 address");
        }
    }

    /** The IPv4-embedded IPv6 address of {@code v4} under this prefix (RFC 6052 §2.2). */
    public Inet6Address embed(Inet4Address v4) {
        byte[] out = address.getAddress();
        byte[] in = v4.getAddress();
        int pos = length / 8;
        for (byte b : in) {
            if (pos == U_OCTET) {
                pos++;
            }
            out[pos++] = b;
        }
        try {
            return (Inet6Address) InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The IPv4 address embedded in {@code v6} under this prefix (the inverse of {@link #embed}). */
    public Inet4Address extract(Inet6Address v6) {
        byte[] in = v6.getAddress();
        byte[] out = new byte[4];
        int pos = length / 8;
        for (int i = 0; i < 4; i++) {
            if (pos == U_OCTET) {
                pos++;
            }
            out[i] = in[pos++];
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return Addresses.text(address) + "/" + length;
    }
}
