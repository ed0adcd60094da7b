package dev.xlatsentinel.frr.addr;

import java.net.InetAddress;

/**
 * An IP prefix in canonical form ({@code 64:ff9b::/96}), as FRR prints it in
 * {@code show running-config}. Host bits must be zero: FRR would silently mask them
 * ({@code ipv6 route 64:ff9b::1/96 ...} becomes {@code 64:ff9b::/96}), so such input is
 * rejected here instead.
 */
public record IpPrefix(String address, int length) {

    public IpPrefix {
        String canonical = IpLiteral.canonical("prefix", address);
        int max = IpLiteral.isIpv6(canonical) ? 128 : 32;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix: length " + length + " is outside 0-" + max);
        }
        byte[] b;
        try {
            b = InetAddress.getByName(canonical).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("prefix: " + address, e);
        }
        for (int bit = length; bit < b.length * 8; bit++) {
            if ((b[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("prefix: " + address + "/" + length + " has host bits set");
            }
        }
        address = canonical;
    }

    /** Parses {@code address/length}. */
    public static IpPrefix parse(String field, String text) {
        if (text == null || text.indexOf('/') < 0) {
            throw new IllegalArgumentException(field + ": expected address/length, got '" + text + "'");
        }
        int slash = text.indexOf('/');
        int len;
        try {
            len = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": bad prefix length in '" + text + "'");
        }
        try {
            return new IpPrefix(text.substring(0, slash), len);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + e.getMessage().substring("prefix".length()), e);
        }
    }

    public boolean isIpv6() {
        return IpLiteral.isIpv6(address);
    }

    @Override
    public String toString() {
        return address + "/" + length;
    }
}
