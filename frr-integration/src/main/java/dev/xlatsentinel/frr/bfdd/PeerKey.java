package dev.xlatsentinel.frr.bfdd;

import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.net.IpAddresses;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Which bfdd peer: the address fields of bfdd's {@code peer} command. Addresses are kept in
 * the form FRR prints them. bfdd itself identifies a single-hop session by (peer, interface,
 * vrf), with the local address a changeable setting, and a multihop session by (peer, local
 * address, vrf) (frr-bfdd YANG keys); {@link #sameSession} applies that rule.
 *
 * @param peer         the remote address
 * @param multihop     RFC 5883 multihop session (needs a local address, no interface)
 * @param localAddress the source address, or null
 * @param iface        the interface of a single-hop session, or null
 * @param vrf          the VRF, or null for the default VRF
 */
public record PeerKey(String peer, boolean multihop, String localAddress, String iface, String vrf) {
    static final String DEFAULT_VRF = "default";

    public PeerKey {
        InetAddress p = FieldException.parse("peer", peer, IpAddresses::parse);
        peer = IpAddresses.text(p);
        localAddress = blankToNull(localAddress);
        iface = blankToNull(iface);
        vrf = blankToNull(vrf);
        if (DEFAULT_VRF.equals(vrf)) {
            vrf = null;
        }
        if (localAddress != null) {
            InetAddress l = FieldException.parse("localAddress", localAddress, IpAddresses::parse);
            localAddress = IpAddresses.text(l);
            if (l.getClass() != p.getClass()) {
                throw new FieldException("localAddress", localAddress + " is not of the same family as peer "
                        + peer);
            }
        }
        if (iface != null && !iface.matches("[^\\s/]{1,15}")) {
            throw new FieldException("interface", "'" + iface
                    + "' is not a Linux interface name (1-15 characters, no space or '/')");
        }
        if (vrf != null && !vrf.matches("\\S{1,36}")) {
            throw new FieldException("vrf", "'" + vrf + "' is not a VRF name");
        }
        if (multihop && localAddress == null) {
            throw new FieldException("localAddress", "required for a multihop peer (RFC 5883 sessions are "
                    + "keyed by both addresses)");
        }
        if (multihop && iface != null) {
            throw new FieldException("interface", "not allowed for a multihop peer");
        }
        if (p.isLinkLocalAddress() && iface == null) {
            throw new FieldException("interface", "required for the link-local peer " + peer);
        }
    }

    public static PeerKey singleHop(String peer, String localAddress, String iface) {
        return new PeerKey(peer, false, localAddress, iface, null);
    }

    public static PeerKey multihop(String peer, String localAddress) {
        return new PeerKey(peer, true, localAddress, null, null);
    }

    /** True when bfdd would treat both as the same session (see the class comment). */
    public boolean sameSession(PeerKey o) {
        return peer.equals(o.peer) && multihop == o.multihop && Objects.equals(vrf, o.vrf)
                && (multihop ? Objects.equals(localAddress, o.localAddress) : Objects.equals(iface, o.iface));
    }

    /** The {@code peer ...} line, in the order bfdd prints it in its running config. */
    public String cliLine() {
        StringBuilder s = new StringBuilder("peer ").append(peer);
        if (multihop) {
            s.append(" multihop");
        }
        if (localAddress != null) {
            s.append(" local-address ").append(localAddress);
        }
        if (vrf != null) {
            s.append(" vrf ").append(vrf);
        }
        if (iface != null) {
            s.append(" interface ").append(iface);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return cliLine().substring("peer ".length());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
