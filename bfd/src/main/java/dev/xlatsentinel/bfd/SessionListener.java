package dev.xlatsentinel.bfd;

/**
 * Told of every session state change. Listeners run on the engine's listener executor (a
 * thread of its own unless the builder sets another), never on the event loop that sends
 * packets, and in order per engine. A slow listener delays other listeners, not packets.
 */
@FunctionalInterface
public interface SessionListener {
    void stateChanged(StateChange change);
}
