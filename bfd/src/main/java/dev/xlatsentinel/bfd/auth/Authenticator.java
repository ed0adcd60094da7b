package dev.xlatsentinel.bfd.auth;

import dev.xlatsentinel.bfd.codec.AuthSection;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One session's authentication state (RFC 5880 §6.7): signs outgoing packets and checks
 * received ones, with bfd.XmitAuthSeq, bfd.RcvAuthSeq and bfd.AuthSeqKnown. Confined to the
 * session's thread; no allocation per packet.
 */
public final class Authenticator {
    private final AuthConfig config;
    private final MessageDigest digest;
    private final byte[] key;
    private final byte[] received = new byte[AuthSection.SHA1_DIGEST_LENGTH];
    private final byte[] computed = new byte[AuthSection.SHA1_DIGEST_LENGTH];
    private int xmitSeq;
    private int rcvSeq;
    private boolean seqKnown;

    /** {@code initialXmitSeq}: RFC 5880 §6.8.1 wants it random; tests pass a fixed one. */
    public Authenticator(AuthConfig config, int initialXmitSeq) {
        this.config = config;
        this.xmitSeq = initialXmitSeq;
        if (config.type().keyed()) {
            try {
                digest = MessageDigest.getInstance(config.type().digestAlgorithm());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("JCA lacks " + config.type().digestAlgorithm(), e);
            }
            // The key goes into the digest field padded with zeros to its full width (§6.7.3).
            key = new byte[config.type().maxKeyLength()];
            System.arraycopy(config.secret().bytes(), 0, key, 0, config.secret().length());
        } else {
            digest = null;
            key = config.enabled() ? config.secret().bytes() : null;
        }
    }

    public AuthConfig config() {
        return config;
    }

    public boolean enabled() {
        return config.enabled();
    }

    public boolean sequenceKnown() {
        return seqKnown;
    }

    public int receiveSequence() {
        return rcvSeq;
    }

    public int transmitSequence() {
        return xmitSeq;
    }

    /** bfd.AuthSeqKnown = 0: no packet for twice the Detection Time (§6.8.1). */
    public void forgetSequence() {
        seqKnown = false;
    }

    /**
     * Sets A and appends the authentication section after the mandatory section already in
     * {@code p}; returns the packet's new Length.
     */
    public int sign(ControlPacket p) {
        AuthType type = config.type();
        byte[] b = p.buffer();
        p.setFlag(ControlPacket.FLAG_AUTH_PRESENT, true);
        b[AuthSection.OFFSET_TYPE] = (byte) type.code();
        b[AuthSection.OFFSET_KEY_ID] = (byte) config.keyId();
        if (!type.keyed()) {
            int authLen = 3 + key.length;
            b[AuthSection.OFFSET_LEN] = (byte) authLen;
            System.arraycopy(key, 0, b, AuthSection.OFFSET_PASSWORD, key.length);
            p.setLength(ControlPacket.MANDATORY_LENGTH + authLen);
            return p.length();
        }
        int authLen = type.sectionLength();
        b[AuthSection.OFFSET_LEN] = (byte) authLen;
        b[AuthSection.OFFSET_RESERVED] = 0;
        // §6.7.3/§6.7.4: meticulous types MUST advance on every packet; the others MAY, and
        // advancing always keeps one rule for both.
        xmitSeq++;
        p.putInt(AuthSection.OFFSET_SEQUENCE, xmitSeq);
        System.arraycopy(key, 0, b, AuthSection.OFFSET_DIGEST, key.length);
        int length = ControlPacket.MANDATORY_LENGTH + authLen;
        p.setLength(length);
        digest.update(b, 0, length);
        digestInto(b, AuthSection.OFFSET_DIGEST);
        return length;
    }

    /**
     * Checks the section of a packet whose A bit is set and whose Length is within the
     * payload. Returns null when it passes (and only then updates bfd.RcvAuthSeq), else why
     * it failed, with no state changed.
     */
    public AuthFailure verify(ControlPacket p) {
        AuthType type = config.type();
        int length = p.length();
        if (length < ControlPacket.MIN_LENGTH_WITH_AUTH || p.payloadLength() < length) {
            return AuthFailure.TRUNCATED;
        }
        if (AuthSection.type(p) != type.code()) {
            return AuthFailure.TYPE_MISMATCH;
        }
        int authLen = AuthSection.len(p);
        int expectedLen = type.keyed() ? type.sectionLength() : 3 + key.length;
        if (authLen != expectedLen) {
            return AuthFailure.BAD_AUTH_LEN;
        }
        if (length < ControlPacket.MANDATORY_LENGTH + authLen) {
            return AuthFailure.TRUNCATED;
        }
        if (AuthSection.keyId(p) != config.keyId()) {
            return AuthFailure.KEY_ID_MISMATCH;
        }
        if (!type.keyed()) {
            return equalsConstantTime(p.buffer(), AuthSection.OFFSET_PASSWORD, key, key.length)
                    ? null : AuthFailure.BAD_DIGEST;
        }
        int seq = AuthSection.sequence(p);
        if (seqKnown && !inWindow(seq, p.detectMult(), type.meticulous())) {
            return AuthFailure.SEQUENCE_OUT_OF_WINDOW;
        }
        if (!digestMatches(p, length)) {
            return AuthFailure.BAD_DIGEST;
        }
        rcvSeq = seq;
        seqKnown = true;
        return null;
    }

    /**
     * RFC 5880 §6.7.3: bfd.RcvAuthSeq to bfd.RcvAuthSeq + 3 * Detect Mult inclusive, in
     * circular unsigned 32-bit space; the meticulous types exclude bfd.RcvAuthSeq itself.
     */
    private boolean inWindow(int seq, int detectMult, boolean meticulous) {
        long ahead = (seq - rcvSeq) & 0xffff_ffffL;
        long low = meticulous ? 1 : 0;
        return ahead >= low && ahead <= 3L * detectMult;
    }

    /** Digest with the key in the digest field (§6.7.3), restoring the received octets after. */
    private boolean digestMatches(ControlPacket p, int length) {
        byte[] b = p.buffer();
        int n = key.length;
        System.arraycopy(b, AuthSection.OFFSET_DIGEST, received, 0, n);
        System.arraycopy(key, 0, b, AuthSection.OFFSET_DIGEST, n);
        digest.update(b, 0, length);
        digestInto(computed, 0);
        System.arraycopy(received, 0, b, AuthSection.OFFSET_DIGEST, n);
        return equalsConstantTime(computed, 0, received, n);
    }

    private void digestInto(byte[] out, int offset) {
        try {
            digest.digest(out, offset, key.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean equalsConstantTime(byte[] a, int offset, byte[] b, int n) {
        int diff = 0;
        for (int i = 0; i < n; i++) {
            diff |= a[offset + i] ^ b[i];
        }
        return diff == 0;
    }

    @Override
    public String toString() {
        return "Authenticator[" + config + "]";
    }
}
