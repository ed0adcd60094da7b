package dev.xlatsentinel.platform.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An address to listen on or connect to, written {@code HOST:PORT} with an IP literal as
 * host ({@code 127.0.0.1:9464}, {@code [::1]:9464}; the brackets are optional). Port 0 means
 * one the kernel picks. A name is refused: a listener binds an address.
 */
public record HostPort(InetAddress address, int port) {

    public HostPort {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0 to 65535");
        }
    }

    /**
     * Parses {@code HOST:PORT}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static HostPort parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:9464)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String port = text.substring(colon + 1);
        if (!port.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("'" + port + "' is not a port number");
        }
        InetAddress a;
        try {
            a = IpAddresses.parse(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address (a listener binds an address, "
                    + "not a name)", e);
        }
        return new HostPort(a, Integer.parseInt(port));
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    /** The host as written in a URL: IPv6 in brackets. */
    public String host() {
        String t = IpAddresses.text(address);
        return t.contains(":") ? "[" + t + "]" : t;
    }

    @Override
    public String toString() {
        return host() + ":" + port;
    }
}
