package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.net.IpAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes from {@code /proc/net/route} (IPv4, main table) and {@code /proc/net/ipv6_route}
 * (IPv6, all tables), as the kernel prints them. Reject routes (RTF_REJECT: unreachable,
 * prohibit, blackhole) and routes not up (RTF_UP unset) are left out: they carry no traffic.
 */
public final class RouteTable {
    private static final int RTF_UP = 0x1;
    private static final int RTF_REJECT = 0x200;

    /** One usable route. {@code gateway} is null when the route is on-link. */
    public record Route(InetAddress destination, int length, InetAddress gateway, String dev) {
        @Override
        public String toString() {
            return IpAddresses.text(destination) + "/" + length
                    + (gateway == null ? "" : " via " + IpAddresses.text(gateway)) + " dev " + dev;
        }
    }

    private RouteTable() {
    }

    /**
     * Parses /proc/net/route: {@code Iface Destination Gateway Flags RefCnt Use Metric Mask ...},
     * addresses as hex of the little-endian in-memory word.
     */
    public static List<Route> parseIpv4(String text) {
        List<Route> routes = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            try {
                int flags = Integer.parseInt(f[3], 16);
                if ((flags & RTF_UP) == 0 || (flags & RTF_REJECT) != 0) {
                    continue;
                }
                InetAddress dst = v4(f[1]);
                InetAddress gw = v4(f[2]);
                int len = Integer.bitCount((int) Long.parseLong(f[7], 16));
                routes.add(new Route(dst, len, gw.isAnyLocalAddress() ? null : gw, f[0]));
            } catch (NumberFormatException e) {
                // not a route line
            }
        }
        return routes;
    }

    /** Parses /proc/net/ipv6_route: {@code dst plen src splen nexthop metric refcnt use flags dev}, all hex. */
    public static List<Route> parseIpv6(String text) {
        List<Route> routes = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || f[0].length() != 32) {
                continue;
            }
            try {
                int flags = (int) Long.parseLong(f[8], 16);
                if ((flags & RTF_UP) == 0 || (flags & RTF_REJECT) != 0) {
                    continue;
                }
                InetAddress gw = v6(f[4]);
                routes.add(new Route(v6(f[0]), Integer.parseInt(f[1], 16), gw.isAnyLocalAddress() ? null : gw, f[9]));
            } catch (NumberFormatException e) {
                // not a route line
            }
        }
        return routes;
    }

    private static InetAddress v4(String hex) {
        int v = (int) Long.parseLong(hex, 16);
        byte[] b = {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
        return addr(b);
    }

    private static InetAddress v6(String hex) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return addr(b);
    }

    private static InetAddress addr(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
