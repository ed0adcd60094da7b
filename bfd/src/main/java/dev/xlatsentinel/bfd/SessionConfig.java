package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.auth.AuthConfig;
import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.auth.Secret;
import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.config.Reasons;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.time.Durations;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * One session's configuration, immutable; {@link Builder#build()} checks every field in one
 * place and throws {@link FieldException} naming the first bad one.
 */
public final class SessionConfig {
    /** RFC 5880 §6.8.3 asks for at least 1 s while not Up; we cap configured values at a minute. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(1);
    public static final Duration MAX_INTERVAL = Duration.ofSeconds(60);
    /** DSCP CS6 (network control), the usual class for BFD. */
    public static final int DSCP_CS6 = 48;
    /** Multihop default like FRR's {@code minimum-ttl}: at most one router between us. */
    public static final int DEFAULT_MULTIHOP_MIN_TTL = 254;

    private final HopMode hop;
    private final InetAddress peer;
    private final InetAddress local;
    private final String iface;
    private final long desiredMinTxMicros;
    private final long requiredMinRxMicros;
    private final int detectMult;
    private final boolean passive;
    private final AuthConfig auth;
    private final int minTtl;
    private final int dscp;

    private SessionConfig(Builder b, int minTtl) {
        this.hop = b.hop;
        this.peer = b.peer;
        this.local = b.local;
        this.iface = b.iface;
        this.desiredMinTxMicros = b.desiredMinTx.toNanos() / 1000;
        this.requiredMinRxMicros = b.requiredMinRx.toNanos() / 1000;
        this.detectMult = b.detectMult;
        this.passive = b.passive;
        this.auth = b.auth;
        this.minTtl = minTtl;
        this.dscp = b.dscp;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hop = hop;
        b.peer = peer;
        b.local = local;
        b.iface = iface;
        b.desiredMinTx = Duration.ofNanos(desiredMinTxMicros * 1000);
        b.requiredMinRx = Duration.ofNanos(requiredMinRxMicros * 1000);
        b.detectMult = detectMult;
        b.passive = passive;
        b.auth = auth;
        b.minTtl = minTtl;
        b.dscp = dscp;
        return b;
    }

    public SessionKey key() {
        return new SessionKey(hop, peer, local, iface);
    }

    public HopMode hop() {
        return hop;
    }

    public InetAddress peer() {
        return peer;
    }

    public InetAddress local() {
        return local;
    }

    /** The interface the session is bound to, or null. */
    public String iface() {
        return iface;
    }

    public long desiredMinTxMicros() {
        return desiredMinTxMicros;
    }

    public long requiredMinRxMicros() {
        return requiredMinRxMicros;
    }

    public int detectMult() {
        return detectMult;
    }

    /** RFC 5880 §6.1: a passive session sends nothing until it has heard from the peer. */
    public boolean passive() {
        return passive;
    }

    public AuthConfig auth() {
        return auth;
    }

    /** Lowest accepted received TTL / hop limit: 255 for single hop (RFC 5881 §5). */
    public int minTtl() {
        return minTtl;
    }

    /** DSCP of sent packets (6 bits). */
    public int dscp() {
        return dscp;
    }

    public boolean linkLocal() {
        return peer instanceof Inet6Address a && a.isLinkLocalAddress();
    }

    @Override
    public String toString() {
        return key() + " tx " + desiredMinTxMicros + "us rx " + requiredMinRxMicros + "us mult " + detectMult
                + (passive ? " passive" : "") + " auth " + auth + " min-ttl " + minTtl + " dscp " + dscp;
    }

    public static final class Builder {
        private HopMode hop = HopMode.SINGLE_HOP;
        private InetAddress peer;
        private InetAddress local;
        private String iface;
        private Duration desiredMinTx = Duration.ofMillis(300);
        private Duration requiredMinRx = Duration.ofMillis(300);
        private int detectMult = 3;
        private boolean passive;
        private AuthConfig auth = AuthConfig.NONE;
        private Integer minTtl;
        private int dscp = DSCP_CS6;
        private FieldException authError;

        private Builder() {
        }

        public Builder hop(HopMode hop) {
            this.hop = hop;
            return this;
        }

        public Builder peer(InetAddress peer) {
            this.peer = peer;
            return this;
        }

        /** A literal address; anything else is reported by {@link #build()} as field {@code peer}. */
        public Builder peer(String literal) {
            this.peer = literal(literal);
            return this;
        }

        public Builder local(InetAddress local) {
            this.local = local;
            return this;
        }

        public Builder local(String literal) {
            this.local = literal(literal);
            return this;
        }

        public Builder iface(String iface) {
            this.iface = iface;
            return this;
        }

        public Builder desiredMinTx(Duration d) {
            this.desiredMinTx = d;
            return this;
        }

        public Builder requiredMinRx(Duration d) {
            this.requiredMinRx = d;
            return this;
        }

        /** Sets both intervals. */
        public Builder interval(Duration d) {
            return desiredMinTx(d).requiredMinRx(d);
        }

        public Builder detectMult(int m) {
            this.detectMult = m;
            return this;
        }

        public Builder passive(boolean passive) {
            this.passive = passive;
            return this;
        }

        public Builder auth(AuthConfig auth) {
            this.auth = auth;
            this.authError = null;
            return this;
        }

        /** Authentication by parts; a bad combination is reported by {@link #build()}. */
        public Builder auth(AuthType type, int keyId, Secret secret) {
            try {
                this.auth = AuthConfig.of(type, keyId, secret);
                this.authError = null;
            } catch (FieldException e) {
                this.auth = null;
                this.authError = e;
            }
            return this;
        }

        /**
         * A key chain (RFC 5880 §6.7): every key is accepted, packets are signed with
         * {@code sendKeyId}; a bad chain is reported by {@link #build()} naming the field
         * ({@code auth.keys[1].id}, {@code auth.sendKeyId}, ...).
         */
        public Builder auth(AuthType type, java.util.List<dev.xlatsentinel.bfd.auth.AuthKey> keys, int sendKeyId) {
            try {
                this.auth = AuthConfig.chain(type, keys, sendKeyId);
                this.authError = null;
            } catch (FieldException e) {
                this.auth = null;
                this.authError = e;
            } catch (NullPointerException e) {
                this.auth = null;
                this.authError = new FieldException("auth", String.valueOf(e.getMessage()), e);
            }
            return this;
        }

        public Builder minTtl(int ttl) {
            this.minTtl = ttl;
            return this;
        }

        public Builder dscp(int dscp) {
            this.dscp = dscp;
            return this;
        }

        /** Checks every field, in this order, and throws for the first bad one. */
        public SessionConfig build() {
            if (hop == null) {
                throw new FieldException("hop", "must be single-hop or multihop");
            }
            requireUnicast("peer", peer);
            requireUnicast("local", local);
            if (peer instanceof Inet4Address != local instanceof Inet4Address) {
                throw new FieldException("local", "address family of " + IpAddresses.text(local)
                        + " differs from peer " + IpAddresses.text(peer));
            }
            boolean linkLocal = peer.isLinkLocalAddress() || local.isLinkLocalAddress();
            if (iface != null && !iface.matches("[^\\s/]{1,15}")) {
                throw new FieldException("iface", "'" + iface + "' is not an interface name (1-15 characters,"
                        + " no blank or slash)");
            }
            if (linkLocal && peer instanceof Inet6Address && iface == null) {
                throw new FieldException("iface", "a link-local address needs an interface");
            }
            if (linkLocal && hop == HopMode.MULTI_HOP) {
                throw new FieldException("hop", "multihop does not work with link-local addresses");
            }
            requireInterval("desiredMinTx", desiredMinTx);
            requireInterval("requiredMinRx", requiredMinRx);
            if (detectMult < 1 || detectMult > 255) {
                throw new FieldException("detectMult", Reasons.outside(detectMult, 1, 255));
            }
            if (authError != null) {
                throw authError;
            }
            if (auth == null) {
                throw new FieldException("auth.type", "must be set (AuthConfig.NONE for none)");
            }
            int ttl;
            if (hop == HopMode.SINGLE_HOP) {
                if (minTtl != null && minTtl != 255) {
                    throw new FieldException("minTtl", "single-hop sessions accept only TTL 255 (RFC 5881 §5),"
                            + " got " + minTtl);
                }
                ttl = 255;
            } else {
                ttl = minTtl == null ? DEFAULT_MULTIHOP_MIN_TTL : minTtl;
                if (ttl < 1 || ttl > 255) {
                    throw new FieldException("minTtl", Reasons.outside(ttl, 1, 255));
                }
            }
            if (dscp < 0 || dscp > 63) {
                throw new FieldException("dscp", Reasons.outside(dscp, 0, 63));
            }
            peer = withoutScope(peer);
            local = withoutScope(local);
            return new SessionConfig(this, ttl);
        }

        private static void requireUnicast(String field, InetAddress a) {
            if (a == null) {
                throw new FieldException(field, Reasons.missing("an IPv4 or IPv6 address"));
            }
            if (a == UNPARSEABLE_V4 || a == UNPARSEABLE_V6) {
                throw new FieldException(field, "is not an IP address literal");
            }
            if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
                throw new FieldException(field, IpAddresses.text(a) + " is not a unicast address");
            }
        }

        private static void requireInterval(String field, Duration d) {
            if (d == null || d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
                throw new FieldException(field, d == null ? Reasons.missing("an interval") : Reasons.outside(d,
                        MIN_INTERVAL, MAX_INTERVAL));
            }
            if (d.toNanos() % 1000 != 0) {
                throw new FieldException(field, Durations.format(d) + " is not whole microseconds");
            }
        }
    }

    // Markers for literals that did not parse, so that build() names the field.
    private static final InetAddress UNPARSEABLE_V4 = marker(new byte[4]);
    private static final InetAddress UNPARSEABLE_V6 = marker(new byte[16]);

    private static InetAddress marker(byte[] b) {
        try {
            return InetAddress.getByAddress("unparseable", b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An IP literal (never a name; a zone such as {@code %eth0} is dropped), or a marker build() reports. */
    static InetAddress literal(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        int pct = text.indexOf('%');
        String s = pct >= 0 ? text.substring(0, pct) : text;
        try {
            return IpAddresses.parse(s);
        } catch (IllegalArgumentException e) {
            return s.indexOf(':') >= 0 ? UNPARSEABLE_V6 : UNPARSEABLE_V4;
        }
    }

    static InetAddress withoutScope(InetAddress a) {
        if (a instanceof Inet6Address six && six.getScopeId() != 0) {
            try {
                return InetAddress.getByAddress(six.getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return a;
    }
}
