package dev.xlatsentinel.systemd.watchdog;

/**
 * What a {@link LivenessCheck} found: alive, or stalled with a reason an operator can act on
 * ("no heartbeat for 3120 ms, limit 2000 ms").
 *
 * @param alive  whether the checked loop is making progress
 * @param reason why it is not; empty when alive
 */
public record Liveness(boolean alive, String reason) {
    /** The loop is making progress. */
    public static final Liveness ALIVE = new Liveness(true, "");

    public Liveness {
        if (reason == null || (!alive && reason.isBlank())) {
            throw new IllegalArgumentException("a stalled liveness needs a reason");
        }
    }

    public static Liveness stalled(String reason) {
        return new Liveness(false, reason);
    }
}
