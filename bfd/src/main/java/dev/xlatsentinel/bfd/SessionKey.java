package dev.xlatsentinel.bfd;

import dev.xlatsentinel.platform.net.IpAddresses;
import java.net.InetAddress;

/**
 * What names a session to the operator and to the engine: hop mode, peer, local address and
 * interface (null when not bound to one). Addresses carry no IPv6 scope: the interface is it.
 */
public record SessionKey(HopMode hop, InetAddress peer, InetAddress local, String iface) {
    @Override
    public String toString() {
        // RFC 5952 text (2001:db8::1), as routers print addresses.
        return IpAddresses.text(peer) + " from " + IpAddresses.text(local)
                + (iface == null ? "" : " dev " + iface) + " " + hop;
    }
}
