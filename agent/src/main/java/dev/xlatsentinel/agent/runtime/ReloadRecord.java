package dev.xlatsentinel.agent.runtime;

import java.time.Instant;
import java.util.List;

/**
 * The last reload as status shows it: when, who asked, whether it was applied, the plan in
 * one line or why it was rejected, and what it left to finish.
 *
 * @param accepted true: committed; false: rejected, nothing changed
 * @param message  the plan's summary when accepted, the cause when rejected
 */
public record ReloadRecord(Instant at, String by, boolean accepted, String message, List<FollowUp> followUps) {
    public ReloadRecord {
        followUps = List.copyOf(followUps);
    }
}
