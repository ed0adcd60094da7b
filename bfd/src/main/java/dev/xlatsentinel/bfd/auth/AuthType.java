package dev.xlatsentinel.bfd.auth;

import dev.xlatsentinel.bfd.codec.AuthSection;

/** The Auth Type field (RFC 5880 §4.1, §6.7). */
public enum AuthType {
    NONE(0, "none", 0, 0),
    SIMPLE_PASSWORD(1, "simple-password", AuthSection.MAX_PASSWORD_LENGTH, 0),
    KEYED_MD5(2, "keyed-md5", AuthSection.MD5_DIGEST_LENGTH, AuthSection.MD5_LENGTH),
    METICULOUS_KEYED_MD5(3, "meticulous-keyed-md5", AuthSection.MD5_DIGEST_LENGTH, AuthSection.MD5_LENGTH),
    KEYED_SHA1(4, "keyed-sha1", AuthSection.SHA1_DIGEST_LENGTH, AuthSection.SHA1_LENGTH),
    METICULOUS_KEYED_SHA1(5, "meticulous-keyed-sha1", AuthSection.SHA1_DIGEST_LENGTH, AuthSection.SHA1_LENGTH);

    private final int code;
    private final String label;
    private final int maxKeyLength;
    private final int sectionLength;

    AuthType(int code, String label, int maxKeyLength, int sectionLength) {
        this.code = code;
        this.label = label;
        this.maxKeyLength = maxKeyLength;
        this.sectionLength = sectionLength;
    }

    public int code() {
        return code;
    }

    public String label() {
        return label;
    }

    /** Longest secret this type carries (password, or key padded into the digest field). */
    public int maxKeyLength() {
        return maxKeyLength;
    }

    /** Auth Len of the keyed types; 0 for the password type, whose length follows the password. */
    public int sectionLength() {
        return sectionLength;
    }

    public boolean keyed() {
        return sectionLength != 0;
    }

    /** RFC 5880 §6.7.3/§6.7.4: the sequence number must advance on every packet. */
    public boolean meticulous() {
        return this == METICULOUS_KEYED_MD5 || this == METICULOUS_KEYED_SHA1;
    }

    /** The JCA algorithm name of the keyed types. */
    String digestAlgorithm() {
        return switch (this) {
            case KEYED_MD5, METICULOUS_KEYED_MD5 -> "MD5";
            case KEYED_SHA1, METICULOUS_KEYED_SHA1 -> "SHA-1";
            default -> throw new IllegalStateException(label + " has no digest");
        };
    }

    public static AuthType parse(String text) {
        for (AuthType t : values()) {
            if (t.label.equals(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown BFD authentication type '" + text + "'");
    }

    @Override
    public String toString() {
        return label;
    }
}
