package dev.xlatsentinel.bfd.auth;

import java.util.Objects;

/**
 * One key of a session's key chain (RFC 5880 §6.7): the Auth Key ID that names it on the
 * wire (0-255) and the secret. Prints only the ID.
 */
public record AuthKey(int id, Secret secret) {
    public AuthKey {
        Objects.requireNonNull(secret, "secret");
    }

    public static AuthKey of(int id, Secret secret) {
        return new AuthKey(id, secret);
    }

    @Override
    public String toString() {
        return "key " + id;
    }
}
