package dev.xlatsentinel.bfd.auth;

/** Why an authentication section was refused (RFC 5880 §6.7.2-6.7.4), in the order checked. */
public enum AuthFailure {
    /** The section is cut short: Length or the payload cannot hold Auth Len octets. */
    TRUNCATED("section truncated"),
    /** Auth Type differs from the session's bfd.AuthType. */
    TYPE_MISMATCH("other authentication type"),
    /** Auth Len is wrong for the type (24 for MD5, 28 for SHA1, 3 + password length). */
    BAD_AUTH_LEN("wrong Auth Len"),
    /** Auth Key ID names no key of the session's key chain. */
    UNKNOWN_KEY_ID("unknown key ID"),
    /** Sequence number outside the window of RFC 5880 §6.7.3/§6.7.4. */
    SEQUENCE_OUT_OF_WINDOW("sequence number out of window"),
    /** Password or digest does not match the key named by the Auth Key ID. */
    BAD_DIGEST("wrong password or digest");

    private final String text;

    AuthFailure(String text) {
        this.text = text;
    }

    /** In an operator's words: {@code unknown key ID}. */
    public String text() {
        return text;
    }
}
