package dev.xlatsentinel.platform.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP prefix ({@code 64:ff9b::/96}, {@code 100.64.0.0/10}) whose host bits are zero: a
 * router would silently mask them ({@code ipv6 route 64:ff9b::1/96 ...} becomes
 * {@code 64:ff9b::/96}), so such input is refused here instead. {@link #toString()} is the
 * canonical text a router prints.
 */
public record IpPrefix(InetAddress address, int length) {

    public IpPrefix {
        int max = IpAddresses.bits(address);
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("length " + length + " is outside 0 to " + max);
        }
        byte[] b = address.getAddress();
        for (int bit = length; bit < max; bit++) {
            if ((b[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException(IpAddresses.text(address) + "/" + length + " has host bits set");
            }
        }
    }

    /**
     * Parses {@code ADDRESS/LENGTH}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static IpPrefix parse(String text) {
        Split s = Split.of(text);
        return new IpPrefix(s.address(), s.length());
    }

    public boolean isIpv6() {
        return IpAddresses.bits(address) == 128;
    }

    /** Whether {@code a} lies inside this prefix. */
    public boolean contains(InetAddress a) {
        byte[] p = address.getAddress();
        byte[] x = a.getAddress();
        if (p.length != x.length) {
            return false;
        }
        for (int bit = 0; bit < length; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((p[bit / 8] & mask) != (x[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return IpAddresses.text(address) + "/" + length;
    }

    /** {@code ADDRESS/LENGTH} taken apart, the length checked against the address family. */
    record Split(InetAddress address, int length) {
        static Split of(String text) {
            int slash = text == null ? -1 : text.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("'" + text + "' is not ADDRESS/LENGTH (e.g. 192.0.2.0/24, 2001:db8::/32)");
            }
            InetAddress a = IpAddresses.parse(text.substring(0, slash));
            String len = text.substring(slash + 1);
            if (!len.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("'" + len + "' is not a prefix length in '" + text + "'");
            }
            int n = Integer.parseInt(len);
            int max = IpAddresses.bits(a);
            if (n > max) {
                throw new IllegalArgumentException("length " + n + " is outside 0 to " + max + " in '" + text + "'");
            }
            return new Split(a, n);
        }

        /** The address with the bits after the length cleared. */
        InetAddress masked() {
            byte[] b = address.getAddress();
            for (int bit = length; bit < b.length * 8; bit++) {
                b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            try {
                return InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
