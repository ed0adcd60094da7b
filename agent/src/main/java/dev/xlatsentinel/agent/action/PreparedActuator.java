package dev.xlatsentinel.agent.action;

/**
 * An actuator built by a reload's prepare step and not live yet: whatever could fail
 * (a namespace entered, an interface looked up, a socket bound, a daemon reached) has been
 * done, and nothing has reached the router. Exactly one of {@link #commit} and
 * {@link #abort} is called.
 */
public interface PreparedActuator {
    /** What it will be, for logs and errors. */
    String describe();

    /**
     * Makes it live, telling the router what the service's state says ({@code withdrawn}:
     * held down / shut down / removed, with {@code reason}). Runs on the agent loop: no waiting
     * beyond one short hop to another loop, and no failure prepare could have found.
     */
    Actuator commit(boolean withdrawn, String reason);

    /** Gives back what prepare took; the router never saw it. */
    void abort();
}
