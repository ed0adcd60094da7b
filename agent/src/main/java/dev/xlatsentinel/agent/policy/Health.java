package dev.xlatsentinel.agent.policy;

/** An instance's health as the policy sees it. */
public enum Health {
    /** Not yet proven: held down until its probes pass {@code rise} times. */
    STARTING,
    UP,
    DOWN
}
