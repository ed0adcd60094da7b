package dev.xlatsentinel.frr.addr;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Strict IP address literals, written the way FRR prints them (inet_ntop: RFC 5952 for IPv6),
 * so that a spec's address and the one in {@code show running-config} compare as strings.
 * Never resolves names.
 */
public final class IpLiteral {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiteral() {
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal.
     *
     * @param field the spec field, named in the error
     * @throws IllegalArgumentException naming the field when {@code text} is not an address
     */
    public static InetAddress parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + ": an IP address is required");
        }
        boolean v4 = IPV4.matcher(text).matches();
        boolean v6 = text.contains(":") && IPV6_CHARS.matcher(text).matches();
        if (!v4 && !v6) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not an IPv4 or IPv6 address");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(text); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a valid IPv6 address");
        }
        if (v6 && a instanceof Inet4Address) {
            throw new IllegalArgumentException(field + ": IPv4-mapped address '" + text
                    + "' is not supported; write the IPv4 address");
        }
        return a;
    }

    /** Parses and returns the canonical text: what FRR would print for the same address. */
    public static String canonical(String field, String text) {
        return format(parse(field, text));
    }

    /** RFC 5952 §4 text: lower case, no leading zeros, the longest run (2+) of zero groups as "::". */
    public static String format(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = ((Inet6Address) a).getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
        for (int i = 0; i < 8;) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) { // §4.2.3: the first of equally long runs wins
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    public static boolean isIpv6(String canonical) {
        return canonical.contains(":");
    }

    /** fe80::/10: FRR needs an interface for these. */
    public static boolean isLinkLocal(InetAddress a) {
        return a.isLinkLocalAddress();
    }
}
