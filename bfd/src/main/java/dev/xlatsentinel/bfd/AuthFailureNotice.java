package dev.xlatsentinel.bfd;

import java.time.Duration;
import java.time.Instant;

/**
 * A packet for a session refused by authentication (RFC 5880 §6.7), as logged: at most one
 * per session every ten seconds, saying how many more were refused meanwhile. Holds no secret.
 *
 * @param reason      what failed, with its values: {@code unknown key ID 3 (keys 1, 2)}
 * @param moreRefused refusals not logged one by one since the previous notice
 * @param window      time since the previous notice of this session (zero for the first)
 */
public record AuthFailureNotice(SessionKey key, String reason, long moreRefused, Duration window, Instant at) {
    @Override
    public String toString() {
        return key + ": packet refused, authentication failed: " + reason
                + (moreRefused == 0 ? "" : "; " + moreRefused + " more refused in the last " + window.toSeconds() + " s");
    }
}
