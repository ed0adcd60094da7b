package dev.xlatsentinel.translator.datapath;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address parsing and the text form operators read (RFC 5952 for IPv6). */
public final class Addresses {
    private Addresses() {
    }

    /** RFC 5952 §4: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::". */
    public static String text(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
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

    /** Parses a literal IPv4 address (never a host name); throws IllegalArgumentException. */
    public static Inet4Address ipv4(String text) {
        if (text == null || !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
    }

    /** Parses a literal IPv6 address (never a host name); throws IllegalArgumentException. */
    public static Inet6Address ipv6(String text) {
        if (text == null || !text.contains(":") || !text.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            if (a instanceof Inet6Address a6) {
                return a6;
            }
        } catch (UnknownHostException e) {
            // fall through
        }
        throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
    }
}
