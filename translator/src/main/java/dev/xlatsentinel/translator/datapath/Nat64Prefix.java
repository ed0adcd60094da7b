package dev.xlatsentinel.translator.datapath;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.net.IpPrefix;
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
        new IpPrefix(address, length); // host bits zero, or it says so
        byte[] b = address.getAddress();
        if (b[U_OCTET] != 0) {
            throw new IllegalArgumentException("NAT64 prefix " + IpAddresses.text(address) + "/" + length
                    + " sets bits 64-71, which RFC 6052 §2.2 requires to be zero");
        }
    }

    /** Parses {@code 64:ff9b::/96}; throws IllegalArgumentException naming what is wrong. Config binds through it. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Nat64Prefix parse(String cidr) {
        IpPrefix p;
        try {
            p = IpPrefix.parse(cidr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("NAT64 prefix: " + e.getMessage(), e);
        }
        if (!(p.address() instanceof Inet6Address a6)) {
            throw new IllegalArgumentException("NAT64 prefix must be an IPv6 prefix, got '" + cidr + "'");
        }
        return new Nat64Prefix(a6, p.length());
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
        return IpAddresses.text(address) + "/" + length;
    }
}
