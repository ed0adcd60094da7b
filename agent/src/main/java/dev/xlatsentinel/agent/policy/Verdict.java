package dev.xlatsentinel.agent.policy;

/**
 * What the router should see of one service: withdrawn or announced, and the reason an
 * operator reads in the log and in {@code status}.
 */
public record Verdict(String service, boolean withdraw, String reason) {
}
