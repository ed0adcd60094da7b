package dev.xlatsentinel.translator.event;

/**
 * A probe whose subject the kernel announces changes of (a process through its pidfd, a link
 * or a route through rtnetlink). Watching is in addition to the rounds, never instead: a
 * missed event (a socket overrun, a pidfd that could not be opened) leaves the polling to
 * see the fault at the next round.
 */
public interface Watched {
    /** Starts watching; events go to {@code sink}. Called once, before the first round. */
    void watch(EventSink sink);

    /** How this probe's events count. */
    EventMode eventMode();
}
