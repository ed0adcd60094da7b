package dev.xlatsentinel.bfd.auth;

/** Why an authentication section was refused (RFC 5880 §6.7.2-6.7.4), in the order checked. */
public enum AuthFailure {
    /** The section is cut short: Length or the payload cannot hold Auth Len octets. */
    TRUNCATED,
    /** Auth Type differs from the session's bfd.AuthType. */
    TYPE_MISMATCH,
    /** Auth Len is wrong for the type (24 for MD5, 28 for SHA1, 3 + password length). */
    BAD_AUTH_LEN,
    /** Auth Key ID is not the configured key's. */
    KEY_ID_MISMATCH,
    /** Sequence number outside the window of RFC 5880 §6.7.3/§6.7.4. */
    SEQUENCE_OUT_OF_WINDOW,
    /** Password or digest does not match. */
    BAD_DIGEST
}
