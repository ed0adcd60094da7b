package dev.xlatsentinel.systemd.watchdog;

/**
 * One part of the agent that must keep making progress (the BFD event loop, the prober).
 * Called from the watchdog's thread every half interval: it must be quick and must not
 * block (read a volatile timestamp, not the loop's state under its lock). A check that
 * throws counts as stalled.
 */
@FunctionalInterface
public interface LivenessCheck {
    Liveness check();
}
