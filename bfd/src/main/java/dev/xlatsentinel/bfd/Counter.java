package dev.xlatsentinel.bfd;

/**
 * Everything the library counts, in one place (id, label). Drops are listed in the order of
 * the receive checks (RFC 5880 §6.8.6); each has its own counter. Drops before a session is
 * known are counted on the engine only; later ones on the session and the engine.
 */
public enum Counter {
    TX_PACKETS(1, "tx-packets"),
    TX_ERRORS(2, "tx-errors"),
    RX_PACKETS(3, "rx-packets"),
    STATE_TRANSITIONS(4, "state-transitions"),
    POLL_SEQUENCES(5, "poll-sequences"),
    FINALS_SENT(6, "finals-sent"),

    DROP_TRUNCATED(20, "drop-truncated"),
    DROP_BAD_VERSION(21, "drop-bad-version"),
    DROP_LENGTH_TOO_SHORT(22, "drop-length-too-short"),
    DROP_LENGTH_EXCEEDS_PAYLOAD(23, "drop-length-exceeds-payload"),
    DROP_DETECT_MULT_ZERO(24, "drop-detect-mult-zero"),
    DROP_MULTIPOINT(25, "drop-multipoint"),
    DROP_MY_DISCRIMINATOR_ZERO(26, "drop-my-discriminator-zero"),
    DROP_UNKNOWN_YOUR_DISCRIMINATOR(27, "drop-unknown-your-discriminator"),
    DROP_YOUR_DISCRIMINATOR_ZERO_NOT_DOWN(28, "drop-your-discriminator-zero-not-down"),
    DROP_NO_SESSION(29, "drop-no-session"),
    DROP_ADDRESS_MISMATCH(30, "drop-address-mismatch"),
    DROP_WRONG_INTERFACE(41, "drop-wrong-interface"),
    DROP_TTL(31, "drop-ttl"),
    DROP_AUTH_UNEXPECTED(32, "drop-auth-unexpected"),
    DROP_AUTH_MISSING(33, "drop-auth-missing"),
    DROP_AUTH_TRUNCATED(34, "drop-auth-truncated"),
    DROP_AUTH_TYPE_MISMATCH(35, "drop-auth-type-mismatch"),
    DROP_AUTH_BAD_LENGTH(36, "drop-auth-bad-length"),
    DROP_AUTH_KEY_ID(37, "drop-auth-key-id"),
    DROP_AUTH_SEQUENCE(38, "drop-auth-sequence"),
    DROP_AUTH_DIGEST(39, "drop-auth-digest"),
    DROP_LOCAL_ADMIN_DOWN(40, "drop-local-admin-down");

    private final int id;
    private final String label;

    Counter(int id, String label) {
        this.id = id;
        this.label = label;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    public boolean isDrop() {
        return label.startsWith("drop-");
    }

    @Override
    public String toString() {
        return label;
    }
}
