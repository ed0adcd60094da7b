package dev.xlatsentinel.bfd.auth;

import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.config.Reasons;
import java.util.Objects;

/**
 * A session's authentication (RFC 5880 §6.7): type, key ID and secret, checked when built.
 * {@link #NONE} turns authentication off.
 */
public record AuthConfig(AuthType type, int keyId, Secret secret) {
    public static final AuthConfig NONE = new AuthConfig(AuthType.NONE, 0, null);

    public AuthConfig {
        Objects.requireNonNull(type, "auth.type");
        if (type != AuthType.NONE) {
            if (secret == null || secret.length() == 0) {
                throw new FieldException("auth.secret", type + " needs a key");
            }
            if (secret.length() > type.maxKeyLength()) {
                throw new FieldException("auth.secret", type + " takes at most " + type.maxKeyLength()
                        + " octets, got " + secret.length());
            }
            if (keyId < 0 || keyId > 255) {
                throw new FieldException("auth.keyId", Reasons.outside(keyId, 0, 255));
            }
        }
    }

    public static AuthConfig of(AuthType type, int keyId, Secret secret) {
        return new AuthConfig(type, keyId, secret);
    }

    public boolean enabled() {
        return type != AuthType.NONE;
    }

    @Override
    public String toString() {
        return enabled() ? type + " key-id " + keyId : "none";
    }
}
