package dev.xlatsentinel.bfd;

import java.net.InetAddress;

/**
 * What names a session to the operator and to the engine: hop mode, peer, local address and
 * interface (null when not bound to one). Addresses carry no IPv6 scope: the interface is it.
 */
public record SessionKey(HopMode hop, InetAddress peer, InetAddress local, String iface) {
    @Override
    public String toString() {
        return peer.getHostAddress() + " from " + local.getHostAddress() + (iface == null ? "" : " dev " + iface)
                + " " + hop;
    }
}
