package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.auth.AuthFailure;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 5880 §6.8.6, the discard rules, as one flat ordered list: each failed check drops the
 * packet, bumps its own {@link Counter} and logs one debug line with the value. What passes
 * goes to {@link Session#receive}. Addresses arrive as octets ({@link WireAddress}): no
 * allocation on the path of a packet with a nonzero Your Discriminator.
 */
final class ReceivePath {
    private static final Logger LOG = LoggerFactory.getLogger(ReceivePath.class);

    private final SessionTable table;
    /** Received octets are copied here: authentication writes the key into the digest field. */
    private final byte[] rxBuffer = new byte[256];
    private final ControlPacket rx = new ControlPacket();

    ReceivePath(SessionTable table) {
        this.table = table;
    }

    /** Returns the session the packet reached (accepted or dropped by it), or null. */
    Session receive(long now, byte[] buf, int length, HopMode hop, WireAddress src, WireAddress dst, int ttl) {
        int n = Math.min(length, rxBuffer.length);
        System.arraycopy(buf, 0, rxBuffer, 0, n);
        ControlPacket p = rx.wrap(rxBuffer, n);

        if (n < ControlPacket.MANDATORY_LENGTH) {
            return drop(Counter.DROP_TRUNCATED, null, src, "payload octets", n);
        }
        if (p.version() != ControlPacket.VERSION) {
            return drop(Counter.DROP_BAD_VERSION, null, src, "version", p.version());
        }
        int minLength = p.authPresent() ? ControlPacket.MIN_LENGTH_WITH_AUTH : ControlPacket.MANDATORY_LENGTH;
        if (p.length() < minLength) {
            return drop(Counter.DROP_LENGTH_TOO_SHORT, null, src, "length", p.length());
        }
        if (p.length() > length) {
            return drop(Counter.DROP_LENGTH_EXCEEDS_PAYLOAD, null, src, "length", p.length());
        }
        if (p.detectMult() == 0) {
            return drop(Counter.DROP_DETECT_MULT_ZERO, null, src, "detect mult", 0);
        }
        if (p.multipoint()) {
            return drop(Counter.DROP_MULTIPOINT, null, src, "flags", p.flags());
        }
        if (p.myDiscriminator() == 0) {
            return drop(Counter.DROP_MY_DISCRIMINATOR_ZERO, null, src, "my discriminator", 0);
        }
        Session s;
        int your = p.yourDiscriminator();
        if (your != 0) {
            s = table.byDiscriminator(your);
            if (s == null) {
                return drop(Counter.DROP_UNKNOWN_YOUR_DISCRIMINATOR, null, src, "your discriminator",
                        Integer.toUnsignedLong(your));
            }
        } else if (p.state() != State.DOWN && p.state() != State.ADMIN_DOWN) {
            return drop(Counter.DROP_YOUR_DISCRIMINATOR_ZERO_NOT_DOWN, null, src, "state", p.state().code());
        } else {
            // Session set-up (rare): the tables keyed by address need InetAddress objects.
            s = dst.unspecified()
                    ? table.byPeer(new SessionTable.PeerKey(hop, src.toInetAddress(), src.linkLocalScope()))
                    : table.byAddress(new SessionTable.AddressKey(hop, src.toInetAddress(), dst.toInetAddress(),
                            src.linkLocalScope()));
            if (s == null) {
                return drop(Counter.DROP_NO_SESSION, null, src, "your discriminator", 0);
            }
        }
        // Beyond §6.8.6: a packet found by discriminator must still come from the session's
        // peer to its local address on its port, or anyone could feed any session.
        if (!addressesMatch(s, hop, src, dst)) {
            return drop(Counter.DROP_ADDRESS_MISMATCH, s, src, "your discriminator", Integer.toUnsignedLong(your));
        }
        // A single-hop session that names its interface hears its peer on that interface only:
        // for IPv4 and global IPv6 addresses the address alone does not say where it came in.
        if (hop == HopMode.SINGLE_HOP && s.ifindex() != 0 && dst.ingress() != 0 && dst.ingress() != s.ifindex()) {
            return drop(Counter.DROP_WRONG_INTERFACE, s, src, "ingress interface index", dst.ingress());
        }
        // RFC 5881 §5 / RFC 5883 §5 (GTSM), when the transport passes the TTL on.
        if (ttl >= 0 && ttl < s.config().minTtl()) {
            return drop(Counter.DROP_TTL, s, src, "ttl", ttl);
        }
        // §6.7: from here on a refusal is an authentication failure: counted, remembered for
        // the Down reason, and logged by the session within its budget.
        if (p.authPresent() && !s.auth().enabled()) {
            return authFailed(now, Counter.DROP_AUTH_UNEXPECTED, null, s, p, src);
        }
        if (!p.authPresent() && s.auth().enabled()) {
            return authFailed(now, Counter.DROP_AUTH_MISSING, null, s, p, src);
        }
        if (p.authPresent()) {
            AuthFailure f = s.auth().verify(p);
            if (f != null) {
                return authFailed(now, counterOf(f), f, s, p, src);
            }
        }
        s.receive(now, p);
        table.counters().increment(Counter.RX_PACKETS);
        return s;
    }

    /** Octets compared without the scope, which is checked apart (link-local only). */
    private static boolean addressesMatch(Session s, HopMode hop, WireAddress src, WireAddress dst) {
        if (hop != s.key().hop() || !src.sameOctets(s.peerOctets())) {
            return false;
        }
        if (!dst.unspecified() && !dst.sameOctets(s.localOctets())) {
            return false;
        }
        int scope = src.linkLocalScope();
        return scope == 0 || s.ifindex() == 0 || scope == s.ifindex();
    }

    private Session authFailed(long now, Counter c, AuthFailure f, Session s, ControlPacket p, WireAddress src) {
        table.counters().increment(c);
        s.authFailed(now, c, f, p);
        if (LOG.isDebugEnabled()) {
            LOG.debug("BFD drop from {} for {}: {}", src, s.key(), c.label());
        }
        return s;
    }

    static AuthFailure failureOf(Counter c) {
        for (AuthFailure f : AuthFailure.values()) {
            if (counterOf(f) == c) {
                return f;
            }
        }
        throw new IllegalArgumentException(c + " is not an authentication check");
    }

    static Counter counterOf(AuthFailure f) {
        return switch (f) {
            case TRUNCATED -> Counter.DROP_AUTH_TRUNCATED;
            case TYPE_MISMATCH -> Counter.DROP_AUTH_TYPE_MISMATCH;
            case BAD_AUTH_LEN -> Counter.DROP_AUTH_BAD_LENGTH;
            case UNKNOWN_KEY_ID -> Counter.DROP_AUTH_KEY_ID;
            case SEQUENCE_OUT_OF_WINDOW -> Counter.DROP_AUTH_SEQUENCE;
            case BAD_DIGEST -> Counter.DROP_AUTH_DIGEST;
        };
    }

    private Session drop(Counter c, Session s, WireAddress src, String what, long value) {
        table.counters().increment(c);
        if (s != null) {
            s.counters().increment(c);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("BFD drop from {}{}: {} ({} {})", src, s == null ? "" : " for " + s.key(), c.label(), what,
                    value);
        }
        return s;
    }
}
