package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.platform.net.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address as a received datagram carries it: 4 or 16 octets and, for IPv6 link-local, the
 * scope (interface index). Mutable and reused for every datagram, so that receiving needs no
 * {@link InetAddress} (an allocation per packet); one is made only where a table keyed by
 * address is consulted (a packet with Your Discriminator zero, rare) or for a log line.
 */
public final class WireAddress {
    private final byte[] octets = new byte[16];
    private int length;
    private int scope;
    private int ingress;

    /** Not known (length 0): e.g. the destination when the transport cannot tell. */
    public WireAddress clear() {
        length = 0;
        scope = 0;
        ingress = 0;
        return this;
    }

    /**
     * For a destination: the interface the datagram came in on (IP_PKTINFO / IPV6_PKTINFO),
     * 0 when not known. Kept apart from the scope, which only a link-local address has.
     */
    public WireAddress ingress(int ifindex) {
        ingress = ifindex;
        return this;
    }

    int ingress() {
        return ingress;
    }

    /** Sets 4 or 16 octets from {@code src} at {@code offset}, and the scope (0 when none). */
    public WireAddress set(byte[] src, int offset, int len, int scopeId) {
        if (len != 4 && len != 16) {
            throw new IllegalArgumentException("address length " + len);
        }
        System.arraycopy(src, offset, octets, 0, len);
        length = len;
        scope = scopeId;
        return this;
    }

    /** Sets 4 or 16 octets read from {@code src} at {@code index} (absolute), and the scope. */
    public WireAddress set(java.nio.ByteBuffer src, int index, int len, int scopeId) {
        if (len != 4 && len != 16) {
            throw new IllegalArgumentException("address length " + len);
        }
        src.get(index, octets, 0, len);
        length = len;
        scope = scopeId;
        return this;
    }

    /** Sets from an {@link InetAddress} (null: not known). */
    public WireAddress set(InetAddress a) {
        if (a == null) {
            return clear();
        }
        byte[] b = a.getAddress();
        return set(b, 0, b.length, a instanceof Inet6Address six ? six.getScopeId() : 0);
    }

    public boolean known() {
        return length != 0;
    }

    /** The wildcard (all zeros), or not known: no destination to check. */
    boolean unspecified() {
        for (int i = 0; i < length; i++) {
            if (octets[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The same octets as {@code address} (scope not compared). */
    boolean sameOctets(byte[] address) {
        return address.length == length && Arrays.equals(octets, 0, length, address, 0, length);
    }

    /** The interface index of an IPv6 link-local address, else 0. */
    int linkLocalScope() {
        return length == 16 && octets[0] == (byte) 0xfe && (octets[1] & 0xc0) == 0x80 ? scope : 0;
    }

    /** A new {@link InetAddress} (allocates: for table lookups by address and for logs). */
    InetAddress toInetAddress() {
        try {
            byte[] b = Arrays.copyOf(octets, length);
            int s = linkLocalScope();
            return s != 0 ? Inet6Address.getByAddress(null, b, s) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return known() ? IpAddresses.text(toInetAddress()) : "(unknown)";
    }
}
