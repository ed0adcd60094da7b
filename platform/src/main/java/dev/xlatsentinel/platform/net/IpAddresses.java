package dev.xlatsentinel.platform.net;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address literals: parsed strictly (a literal only, never a name lookup) and written as
 * RFC 5952 §4 text through Netty's {@link NetUtil}, the way inet_ntop, FRR and iproute2 print
 * them, so an address from the config and one read back from a router compare as strings.
 * Errors are the reason alone ({@code 'gateway.example' is not an IPv4 or IPv6 address}); the
 * caller names the field.
 */
public final class IpAddresses {
    /** Dotted quad without leading zeros (inet_aton would read 010 as octal). */
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** What an IPv6 literal may hold: no zone ({@code %eth0}), no brackets, no name. */
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpAddresses() {
    }

    /**
     * An IPv4 dotted quad or an IPv6 literal.
     *
     * @throws IllegalArgumentException saying why {@code text} is not one
     */
    public static InetAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an IP address is required");
        }
        if (IPV4.matcher(text).matches()) {
            return literal(text);
        }
        int zone = text.indexOf('%');
        if (zone > 0 && text.substring(0, zone).contains(":") && IPV6_CHARS.matcher(text.substring(0, zone)).matches()) {
            // What `ip addr` prints for a link-local address; here the interface has a field of its own.
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address: write "
                    + text.substring(0, zone) + " without the zone index, and the interface in its own field"
                    + " (interface: " + text.substring(zone + 1) + ")");
        }
        if (!text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
        }
        InetAddress a = literal(text);
        if (a instanceof Inet4Address) {
            // The JDK turns ::ffff:a.b.c.d into the IPv4 address: one address, two spellings.
            throw new IllegalArgumentException("IPv4-mapped address '" + text
                    + "' is not supported; write the IPv4 address");
        }
        return a;
    }

    /** An IPv4 dotted quad; throws IllegalArgumentException otherwise. */
    public static Inet4Address ipv4(String text) {
        if (text == null || !IPV4.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        return (Inet4Address) literal(text);
    }

    /** An IPv6 literal; throws IllegalArgumentException otherwise. */
    public static Inet6Address ipv6(String text) {
        if (text == null || !text.contains(":") || !IPV6_CHARS.matcher(text).matches()
                || !(literal(text) instanceof Inet6Address a6)) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
        }
        return a6;
    }

    /** RFC 5952 §4 text: lower case, no leading zeros, the first longest run (2+) of zero groups as "::". */
    public static String text(InetAddress a) {
        return NetUtil.toAddressString(a);
    }

    /** The address family's width in bits: 32 or 128. */
    static int bits(InetAddress a) {
        return a.getAddress().length * 8;
    }

    /** {@code text} already passed a pattern that admits literals only: no lookup happens. */
    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid IP address");
        }
    }
}
