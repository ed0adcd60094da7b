package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.AuthFailureNotice;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import java.time.Instant;

/** What a {@link Session} needs from the table that owns it; all on the event loop. */
interface SessionContext {
    /** The shared transmit flyweight (one packet is built and sent at a time). */
    ControlPacket txPacket();

    /** Hands a built packet to the transport; false when it could not be sent. */
    boolean transmit(Session session, byte[] packet, int length);

    /** Queues a state change for the listeners. */
    void stateChanged(StateChange change);

    /** Hands a notice of refused packets to the log (the session already limited how often). */
    void authFailed(AuthFailureNotice notice);

    /** Uniform in [0, bound). */
    int random(int bound);

    /** How late the driver may run a timer (it coalesces wake-ups); 0 on a manual clock. */
    long timerSlackNanos();

    /** Wall-clock time of a monotonic reading, for events and snapshots. */
    Instant wallTime(long nanos);
}
