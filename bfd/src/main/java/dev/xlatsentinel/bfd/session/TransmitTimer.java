package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.timer.TimerHeap;

/**
 * When a {@link Session}'s next Control packet leaves (RFC 5880 §6.8.7), as a plain
 * nanosecond deadline, {@link TimerHeap#NEVER} when off: a jittered interval after the last
 * periodic packet, or at once when the session wants the peer to hear something now. Whether
 * periodic packets may be sent at all is the session's call; this only keeps the time.
 */
final class TransmitTimer {
    private final SessionContext ctx;
    private long at;
    private long lastTx;
    private boolean hasSent;

    TransmitTimer(SessionContext ctx, long at) {
        this.ctx = ctx;
        this.at = at;
    }

    long at() {
        return at;
    }

    boolean due(long now) {
        return at <= now;
    }

    void stop() {
        at = TimerHeap.NEVER;
    }

    /** A stopped timer fires at once; a running one keeps its deadline. */
    void start(long now) {
        if (at == TimerHeap.NEVER) {
            at = now;
        }
    }

    /** Fires at once (a state change). */
    void fireNow(long now) {
        at = now;
    }

    /** Fires at once unless it is already due (a Poll). */
    void fireNoLaterThan(long now) {
        at = Math.min(at, now);
    }

    /** A packet told the peer our state at {@code now}: the next one after a jittered interval. */
    void sent(long now, long intervalMicros) {
        lastTx = now;
        hasSent = true;
        at = now + jitteredNanos(intervalMicros);
    }

    /** The negotiated interval changed (§6.8.2): a running timer counts it from the last packet. */
    void intervalChanged(long now, long intervalMicros) {
        if (at != TimerHeap.NEVER && hasSent) {
            at = Math.max(now, lastTx + jitteredNanos(intervalMicros));
        }
    }

    /**
     * §6.8.7: each interval is reduced by a random 0-25 % (with Detect Mult 1: to 75-90 %).
     * We draw from 75-90 % for every session: the 10 % left free absorbs a late wake-up (the
     * thread scheduled late, a GC pause), so the interval the peer sees still stays within
     * the negotiated one; a packet at 100 % plus any delay would be over it. The driver may
     * fire up to its slack late, so the upper end is lowered by the slack too (never below
     * 75 %).
     */
    private long jitteredNanos(long micros) {
        int permille = 750 + ctx.random(151);
        return Math.max(micros * 750, micros * permille - ctx.timerSlackNanos());
    }
}
