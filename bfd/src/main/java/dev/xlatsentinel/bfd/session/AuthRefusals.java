package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.AuthFailureNotice;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.bfd.auth.AuthFailure;
import dev.xlatsentinel.bfd.auth.Authenticator;
import dev.xlatsentinel.bfd.codec.AuthSection;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.timer.TimerHeap;
import java.time.Duration;

/**
 * One session's packets refused by authentication (RFC 5880 §6.7) since the last one that
 * passed: they make a Down "authentication failed" rather than "no packet", and each is
 * reported to the log at most once per {@link #LOG_INTERVAL_NANOS} (the first at once, the
 * next with the count in between). On the event loop; allocates only for a notice.
 */
final class AuthRefusals {
    /** At most one notice per session this often. */
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private int sinceAccepted;
    private Counter last;
    private int lastKeyId = -1;
    private long loggedAt = TimerHeap.NEVER;
    private long notLogged;

    /** A packet passed: refusals before it no longer explain a Down. */
    void accepted() {
        sinceAccepted = 0;
    }

    /** Refusals since the last packet that passed. */
    int sinceAccepted() {
        return sinceAccepted;
    }

    /**
     * Records a refusal counted under {@code c}; {@code f} with the packet explains a failed
     * check (null for a section missing or unexpected). Returns the notice to log, or null
     * when this session logged one less than {@link #LOG_INTERVAL_NANOS} ago.
     */
    AuthFailureNotice refused(long now, Counter c, AuthFailure f, ControlPacket p, Authenticator auth, SessionKey key,
            SessionContext ctx) {
        sinceAccepted++;
        last = c;
        lastKeyId = f == AuthFailure.UNKNOWN_KEY_ID || f == AuthFailure.BAD_DIGEST ? AuthSection.keyId(p) : -1;
        if (loggedAt != TimerHeap.NEVER && now - loggedAt < LOG_INTERVAL_NANOS) {
            notLogged++;
            return null;
        }
        String why = f != null ? auth.explain(f, p)
                : c == Counter.DROP_AUTH_MISSING ? "no authentication section (the session uses " + auth.config().type()
                        + ")"
                : "an authentication section, but the session uses none";
        Duration window = Duration.ofNanos(loggedAt == TimerHeap.NEVER ? 0 : now - loggedAt);
        AuthFailureNotice n = new AuthFailureNotice(key, why, notLogged, window, ctx.wallTime(now));
        loggedAt = now;
        notLogged = 0;
        return n;
    }

    /** The Down reason when the detection time passed with refusals since the last accepted packet. */
    String downReason(long detectionMillis) {
        return "authentication failed: no packet accepted for " + detectionMillis + " ms, " + sinceAccepted
                + " refused (last: " + lastText() + ")";
    }

    /** The last refusal in a few words: {@code unknown key ID 2}. */
    private String lastText() {
        String text = switch (last) {
            case DROP_AUTH_MISSING -> "no authentication section";
            case DROP_AUTH_UNEXPECTED -> "unexpected authentication section";
            default -> ReceivePath.failureOf(last).text();
        };
        return lastKeyId < 0 ? text : text + (last == Counter.DROP_AUTH_KEY_ID ? " " : " with key ID ") + lastKeyId;
    }
}
