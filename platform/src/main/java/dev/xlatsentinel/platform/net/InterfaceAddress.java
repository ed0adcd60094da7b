package dev.xlatsentinel.platform.net;

import java.net.InetAddress;

/**
 * An interface's address with the length of its subnet, as {@code ip address add} takes it
 * ({@code 2001:db8:ffff::2/64}): host bits are the point here, unlike {@link IpPrefix}.
 */
public record InterfaceAddress(InetAddress address, int length) {

    public InterfaceAddress {
        int max = IpAddresses.bits(address);
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("length " + length + " is outside 0 to " + max);
        }
    }

    /**
     * Parses {@code ADDRESS/LENGTH}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static InterfaceAddress parse(String text) {
        IpPrefix.Split s = IpPrefix.Split.of(text);
        return new InterfaceAddress(s.address(), s.length());
    }

    public boolean isIpv6() {
        return IpAddresses.bits(address) == 128;
    }

    /** The subnet: {@code 2001:db8:ffff::/64} for {@code 2001:db8:ffff::2/64}. */
    public IpPrefix subnet() {
        return new IpPrefix(new IpPrefix.Split(address, length).masked(), length);
    }

    @Override
    public String toString() {
        return IpAddresses.text(address) + "/" + length;
    }
}
