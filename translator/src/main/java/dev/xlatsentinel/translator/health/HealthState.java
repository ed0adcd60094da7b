package dev.xlatsentinel.translator.health;

/** What an instance's health says to the agent. Only UP attracts traffic. */
public enum HealthState {
    /** Not yet proven: held down until {@code rise} consecutive rounds pass. */
    STARTING,
    UP,
    DOWN;

    public boolean isUp() {
        return this == UP;
    }
}
