package dev.xlatsentinel.bfd.auth;

import dev.xlatsentinel.bfd.codec.AuthSection;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * One session's authentication state (RFC 5880 §6.7): signs outgoing packets with the send
 * key and checks received ones against the key their Auth Key ID names, with
 * bfd.XmitAuthSeq, bfd.RcvAuthSeq and bfd.AuthSeqKnown. Confined to the session's thread;
 * no allocation per packet.
 *
 * <p>The sequence variables belong to the session, not to a key (§6.8.1 has one of each per
 * session), so {@link #updateKeys} swaps the key chain and leaves them alone: the peer's
 * window check (§6.7.3: RcvAuthSeq to RcvAuthSeq + 3 x Detect Mult; meticulous: strictly
 * after) keeps passing across a change of send key, and ours keeps accepting the peer's.
 */
public final class Authenticator {
    private final AuthType type;
    private final MessageDigest digest;
    private final byte[] received = new byte[AuthSection.SHA1_DIGEST_LENGTH];
    private final byte[] computed = new byte[AuthSection.SHA1_DIGEST_LENGTH];
    private AuthConfig config;
    /**
     * The chain as parallel arrays, searched in order: a chain holds one to a few keys, and a
     * table of 256 per session would cost 2 KB each at scale. Keys of the keyed types are
     * padded with zeros to the digest width (§6.7.3).
     */
    private int[] keyIds;
    private byte[][] keys;
    private byte[] sendKey;
    private int xmitSeq;
    private int rcvSeq;
    private boolean seqKnown;
    private int lastKeyId = -1;

    /** {@code initialXmitSeq}: RFC 5880 §6.8.1 wants it random; tests pass a fixed one. */
    public Authenticator(AuthConfig config, int initialXmitSeq) {
        this.type = config.type();
        this.xmitSeq = initialXmitSeq;
        if (type.keyed()) {
            try {
                digest = MessageDigest.getInstance(type.digestAlgorithm());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("JCA lacks " + type.digestAlgorithm(), e);
            }
        } else {
            digest = null;
        }
        install(config);
    }

    private void install(AuthConfig c) {
        int n = c.keys().size();
        int[] ids = new int[n];
        byte[][] table = new byte[n][];
        for (int i = 0; i < n; i++) {
            AuthKey k = c.keys().get(i);
            byte[] s = k.secret().bytes();
            ids[i] = k.id();
            table[i] = type.keyed() ? java.util.Arrays.copyOf(s, type.maxKeyLength()) : s.clone();
        }
        this.config = c;
        this.keyIds = ids;
        this.keys = table;
        this.sendKey = c.enabled() ? keyOf(c.sendKeyId()) : null;
    }

    /** The key with Auth Key ID {@code id}, or null. */
    private byte[] keyOf(int id) {
        for (int i = 0; i < keyIds.length; i++) {
            if (keyIds[i] == id) {
                return keys[i];
            }
        }
        return null;
    }

    /**
     * Replaces the key chain (keys accepted, key sent with) of the same type; the sequence
     * numbers carry on (see the class comment). Throws when the type differs.
     */
    public void updateKeys(AuthConfig next) {
        Objects.requireNonNull(next, "next");
        if (next.type() != type) {
            throw new IllegalArgumentException("auth.type: " + type + " cannot become " + next.type()
                    + " on a live session");
        }
        install(next);
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

    /** The Auth Key ID of the last packet that passed, or -1: which key the peer signs with. */
    public int lastReceivedKeyId() {
        return lastKeyId;
    }

    /** bfd.AuthSeqKnown = 0: no packet for twice the Detection Time (§6.8.1). */
    public void forgetSequence() {
        seqKnown = false;
    }

    /**
     * Sets A and appends the authentication section, signed with the send key, after the
     * mandatory section already in {@code p}; returns the packet's new Length.
     */
    public int sign(ControlPacket p) {
        byte[] b = p.buffer();
        byte[] key = sendKey;
        p.setFlag(ControlPacket.FLAG_AUTH_PRESENT, true);
        b[AuthSection.OFFSET_TYPE] = (byte) type.code();
        b[AuthSection.OFFSET_KEY_ID] = (byte) config.sendKeyId();
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
        digestInto(b, AuthSection.OFFSET_DIGEST, key.length);
        return length;
    }

    /**
     * Checks the section of a packet whose A bit is set and whose Length is within the
     * payload, with the key its Auth Key ID names. Returns null when it passes (and only then
     * updates bfd.RcvAuthSeq), else why it failed, with no state changed.
     */
    public AuthFailure verify(ControlPacket p) {
        int length = p.length();
        // Type, Len and Key ID: the first three octets of every section.
        if (length < ControlPacket.MANDATORY_LENGTH + 3 || p.payloadLength() < length) {
            return AuthFailure.TRUNCATED;
        }
        if (AuthSection.type(p) != type.code()) {
            return AuthFailure.TYPE_MISMATCH;
        }
        int authLen = AuthSection.len(p);
        if (type.keyed() && authLen != type.sectionLength()) {
            return AuthFailure.BAD_AUTH_LEN;
        }
        byte[] key = keyOf(AuthSection.keyId(p));
        if (key == null) {
            return AuthFailure.UNKNOWN_KEY_ID;
        }
        if (!type.keyed() && authLen != 3 + key.length) {
            return AuthFailure.BAD_AUTH_LEN;
        }
        if (length < ControlPacket.MANDATORY_LENGTH + authLen) {
            return AuthFailure.TRUNCATED;
        }
        if (!type.keyed()) {
            if (!equalsConstantTime(p.buffer(), AuthSection.OFFSET_PASSWORD, key, key.length)) {
                return AuthFailure.BAD_DIGEST;
            }
            lastKeyId = AuthSection.keyId(p);
            return null;
        }
        int seq = AuthSection.sequence(p);
        if (seqKnown && !inWindow(seq, p.detectMult(), type.meticulous())) {
            return AuthFailure.SEQUENCE_OUT_OF_WINDOW;
        }
        if (!digestMatches(p, length, key)) {
            return AuthFailure.BAD_DIGEST;
        }
        rcvSeq = seq;
        seqKnown = true;
        lastKeyId = AuthSection.keyId(p);
        return null;
    }

    /**
     * The failure {@link #verify} returned for {@code p}, with the values that explain it:
     * {@code unknown key ID 3 (keys 1, 2)}. Allocates; for a log line, not per packet.
     */
    public String explain(AuthFailure f, ControlPacket p) {
        return switch (f) {
            case TRUNCATED -> f.text() + " (Length " + p.length() + ")";
            case TYPE_MISMATCH -> f.text() + " " + AuthSection.type(p) + " (the session uses " + type + ", "
                    + type.code() + ")";
            case BAD_AUTH_LEN -> f.text() + " " + AuthSection.len(p) + " for " + type;
            case UNKNOWN_KEY_ID -> f.text() + " " + AuthSection.keyId(p) + " (keys " + ids() + ")";
            case SEQUENCE_OUT_OF_WINDOW -> f.text() + ": " + Integer.toUnsignedString(AuthSection.sequence(p))
                    + " after " + Integer.toUnsignedString(rcvSeq) + " (key ID " + AuthSection.keyId(p) + ")";
            case BAD_DIGEST -> f.text() + " with key ID " + AuthSection.keyId(p);
        };
    }

    private String ids() {
        return String.join(", ", config.keyIds().stream().map(String::valueOf).toList());
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
    private boolean digestMatches(ControlPacket p, int length, byte[] key) {
        byte[] b = p.buffer();
        int n = key.length;
        System.arraycopy(b, AuthSection.OFFSET_DIGEST, received, 0, n);
        System.arraycopy(key, 0, b, AuthSection.OFFSET_DIGEST, n);
        digest.update(b, 0, length);
        digestInto(computed, 0, n);
        System.arraycopy(received, 0, b, AuthSection.OFFSET_DIGEST, n);
        return equalsConstantTime(computed, 0, received, n);
    }

    private void digestInto(byte[] out, int offset, int n) {
        try {
            digest.digest(out, offset, n);
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
