package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.Counter;

/**
 * The intervals one {@link Session} advertises (RFC 5880 §6.8.1 bfd.DesiredMinTxInterval and
 * bfd.RequiredMinRxInterval) and the ones its timers use, which lag behind while a Poll
 * Sequence (§6.5) announces a change: §6.8.3 lets a slower transmit rate or a faster receive
 * rate take effect only when the peer's Final arrives. One Poll at a time; a change during one
 * is polled again after it. Values only: the session owns every deadline and re-arms its
 * timers when a method says the values in effect changed. On the session's thread; nothing
 * here allocates.
 */
final class LocalIntervals {
    /** What a Poll announces: a new DesiredMinTx, a new RequiredMinRx, or both. */
    static final int POLL_TX = 1;
    static final int POLL_RX = 2;

    private final CounterSet counters;
    /** What we advertise, in microseconds. */
    private long desiredMinTx;
    private long requiredMinRx;
    /** §6.8.3: what the timers use until the Poll that announced a change has ended. */
    private long txInEffect;
    private long rxInEffect;
    /** What the running Poll announces, and what changed since it was sent. */
    private int pollActive;
    private int pollScheduled;

    LocalIntervals(CounterSet counters, long desiredMinTx, long requiredMinRx) {
        this.counters = counters;
        this.desiredMinTx = desiredMinTx;
        this.requiredMinRx = requiredMinRx;
        this.txInEffect = desiredMinTx;
        this.rxInEffect = requiredMinRx;
    }

    /** bfd.DesiredMinTxInterval: in every packet we send. */
    long desiredMinTx() {
        return desiredMinTx;
    }

    /** bfd.RequiredMinRxInterval: in every packet we send. */
    long requiredMinRx() {
        return requiredMinRx;
    }

    /** Our side of the transmit interval (§6.8.2). */
    long txInEffect() {
        return txInEffect;
    }

    /** Our side of the Detection Time (§6.8.4). */
    long rxInEffect() {
        return rxInEffect;
    }

    boolean pollInProgress() {
        return pollActive != 0;
    }

    /**
     * Advertises a new DesiredMinTx; an increase while Up takes effect when the Poll ends.
     * Returns true when the transmit timer must follow at once.
     */
    boolean changeDesiredMinTx(long value, boolean up) {
        desiredMinTx = value;
        if (!up || value < txInEffect) {
            txInEffect = value;
            return true;
        }
        return false;
    }

    /**
     * Advertises a new RequiredMinRx; a decrease while Up takes effect when the Poll ends.
     * Returns true when the Detection Time must follow at once.
     */
    boolean changeRequiredMinRx(long value, boolean up) {
        requiredMinRx = value;
        if (!up || value > rxInEffect) {
            rxInEffect = value;
            return true;
        }
        return false;
    }

    /** Both values at once, without a Poll (AdminDown: no packet reaches us to end one). */
    void applyAtOnce(long desiredMinTx, long requiredMinRx) {
        this.desiredMinTx = txInEffect = desiredMinTx;
        this.requiredMinRx = rxInEffect = requiredMinRx;
    }

    /**
     * §6.5: a change ({@link #POLL_TX}, {@link #POLL_RX}) for the peer to confirm. Returns
     * true when a Poll Sequence starts: its first packet should leave at once.
     */
    boolean requestPoll(int what, boolean nobodyToPoll) {
        if (nobodyToPoll) {
            // The new values are in packets from now on.
            txInEffect = desiredMinTx;
            rxInEffect = requiredMinRx;
            return false;
        }
        pollScheduled |= what;
        if (pollActive != 0) {
            return false;
        }
        pollActive = pollScheduled;
        pollScheduled = 0;
        counters.increment(Counter.POLL_SEQUENCES);
        return true;
    }

    /** A Final ended our Poll: apply what it announced, unless changed again meanwhile. */
    void terminatePoll() {
        int done = pollActive & ~pollScheduled;
        if ((done & POLL_TX) != 0) {
            txInEffect = desiredMinTx;
        }
        if ((done & POLL_RX) != 0) {
            rxInEffect = requiredMinRx;
        }
        pollActive = pollScheduled;
        pollScheduled = 0;
        if (pollActive != 0) {
            counters.increment(Counter.POLL_SEQUENCES);
        }
    }

    /** No Final will end an outstanding Poll (the peer is gone, or we are AdminDown): apply its values. */
    void abandonPoll() {
        pollActive = pollScheduled = 0;
        txInEffect = desiredMinTx;
        rxInEffect = requiredMinRx;
    }
}
