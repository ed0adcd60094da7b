package dev.xlatsentinel.bfd.auth;

import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.config.Reasons;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A session's authentication (RFC 5880 §6.7): the type, a key chain (every key the session
 * accepts, each named by its Auth Key ID) and the key it sends with. Checked when built;
 * errors start with the field they concern ({@code auth.keys[1].id: ...}). {@link #NONE} turns
 * authentication off.
 *
 * <p>The chain is what makes a key rollover hitless: accept the old and the new key, move
 * the send key once the peer accepts the new one, then drop the old one. A chain of the
 * same type can be changed on a live session ({@code BfdSession.updateAuth}); another type
 * needs a new session.
 *
 * @param keys      the accepted keys, ordered by ID (the constructor sorts them)
 * @param sendKeyId the ID of the key packets are signed with; one of {@code keys}
 */
public record AuthConfig(AuthType type, List<AuthKey> keys, int sendKeyId) {
    public static final AuthConfig NONE = new AuthConfig(AuthType.NONE, List.of(), 0);

    public AuthConfig {
        Objects.requireNonNull(type, "auth.type");
        Objects.requireNonNull(keys, "auth.keys");
        if (type == AuthType.NONE) {
            if (!keys.isEmpty()) {
                throw new FieldException("auth.keys", "authentication type none takes no keys");
            }
            sendKeyId = 0;
        } else {
            if (keys.isEmpty()) {
                throw new FieldException("auth.keys", type + " needs at least one key");
            }
            Set<Integer> ids = new HashSet<>();
            for (int i = 0; i < keys.size(); i++) {
                AuthKey k = keys.get(i);
                String field = "auth.keys[" + i + "]";
                if (k == null) {
                    throw new FieldException(field, "empty key");
                }
                if (k.id() < 0 || k.id() > 255) {
                    throw new FieldException(field + ".id", Reasons.outside(k.id(), 0, 255));
                }
                if (!ids.add(k.id())) {
                    throw new FieldException(field + ".id", "key ID " + k.id() + " is given twice");
                }
                checkSecret(field + ".secret", type, k.secret());
            }
            if (!ids.contains(sendKeyId)) {
                throw new FieldException("auth.sendKeyId", sendKeyId + " is not one of the keys ("
                        + ids.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ")) + ")");
            }
            List<AuthKey> sorted = new ArrayList<>(keys);
            sorted.sort(Comparator.comparingInt(AuthKey::id));
            keys = List.copyOf(sorted);
        }
    }

    /** One key, which is also the send key; errors name {@code auth.keyId} and {@code auth.secret}. */
    public static AuthConfig of(AuthType type, int keyId, Secret secret) {
        Objects.requireNonNull(type, "auth.type");
        if (type == AuthType.NONE) {
            return NONE;
        }
        checkSecret("auth.secret", type, secret);
        if (keyId < 0 || keyId > 255) {
            throw new FieldException("auth.keyId", Reasons.outside(keyId, 0, 255));
        }
        return new AuthConfig(type, List.of(new AuthKey(keyId, secret)), keyId);
    }

    /** A key chain: every key in {@code keys} is accepted, packets are signed with {@code sendKeyId}. */
    public static AuthConfig chain(AuthType type, List<AuthKey> keys, int sendKeyId) {
        return new AuthConfig(type, keys, sendKeyId);
    }

    private static void checkSecret(String field, AuthType type, Secret secret) {
        if (secret == null || secret.length() == 0) {
            throw new FieldException(field, type + " needs a key");
        }
        if (secret.length() > type.maxKeyLength()) {
            throw new FieldException(field, type + " takes at most " + type.maxKeyLength()
                    + " octets, got " + secret.length());
        }
    }

    public boolean enabled() {
        return type != AuthType.NONE;
    }

    /** The IDs of the accepted keys, ascending. */
    public List<Integer> keyIds() {
        return keys.stream().map(AuthKey::id).toList();
    }

    /** The key with {@code id}, or null. */
    public AuthKey key(int id) {
        for (AuthKey k : keys) {
            if (k.id() == id) {
                return k;
            }
        }
        return null;
    }

    /** The key packets are signed with; null for {@link #NONE}. */
    public AuthKey sendKey() {
        return enabled() ? key(sendKeyId) : null;
    }

    /** The same chain with {@code id} added (or replaced). */
    public AuthConfig withKey(AuthKey k) {
        List<AuthKey> next = new ArrayList<>();
        for (AuthKey old : keys) {
            if (old.id() != k.id()) {
                next.add(old);
            }
        }
        next.add(k);
        return new AuthConfig(type, next, sendKeyId);
    }

    /** The same chain without key {@code id} (which must not be the send key). */
    public AuthConfig withoutKey(int id) {
        return new AuthConfig(type, keys.stream().filter(k -> k.id() != id).toList(), sendKeyId);
    }

    /** The same chain sending with key {@code id}. */
    public AuthConfig sendingWith(int id) {
        return new AuthConfig(type, keys, id);
    }

    /** {@code keyed-sha1 keys 1, 2 send 2}: never a secret. */
    @Override
    public String toString() {
        if (!enabled()) {
            return "none";
        }
        return type + " keys " + keyIds().stream().map(String::valueOf).collect(Collectors.joining(", ")) + " send "
                + sendKeyId;
    }
}
