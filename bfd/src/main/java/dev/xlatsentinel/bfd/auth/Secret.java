package dev.xlatsentinel.bfd.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A password or key. It never prints: {@code toString()} shows only its length, so it cannot
 * leak through logs, exceptions or snapshots that format a config.
 */
public final class Secret {
    private final byte[] bytes;

    private Secret(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Secret of(byte[] bytes) {
        return new Secret(bytes.clone());
    }

    /** The UTF-8 octets of {@code text}, as BIRD and FRR read a quoted password. */
    public static Secret of(String text) {
        return new Secret(text.getBytes(StandardCharsets.UTF_8));
    }

    public int length() {
        return bytes.length;
    }

    /** The octets, for the authenticator only. */
    byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return "Secret[" + bytes.length + " octets]";
    }

    /** Overwrites the octets; the secret is useless afterwards. */
    public void wipe() {
        Arrays.fill(bytes, (byte) 0);
    }
}
