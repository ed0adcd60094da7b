package dev.xlatsentinel.agent.policy;

/**
 * One instance's figure of merit (RFC 2439 style): it grows by a fixed penalty at each flap
 * and decays exponentially; above {@code suppress} the instance is suppressed until the
 * figure falls below {@code reuse}. Time is passed in (nanoseconds of a monotonic clock).
 */
public final class FlapDamping {
    private DampingSettings settings;
    private double figure;
    private long updatedAt;
    private boolean suppressed;
    private int flaps;

    public FlapDamping(DampingSettings settings, long now) {
        this.settings = settings;
        this.updatedAt = now;
    }

    void settings(DampingSettings newSettings) {
        this.settings = newSettings;
        figure = Math.min(figure, newSettings.ceiling());
        suppressed = suppressed && newSettings.enabled() && figure >= newSettings.reuse();
    }

    /** The instance was withdrawn for its health: charge a flap. */
    public void flap(long now) {
        decay(now);
        flaps++;
        if (!settings.enabled()) {
            return;
        }
        figure = Math.min(figure + settings.penalty(), settings.ceiling());
        if (figure >= settings.suppress()) {
            suppressed = true;
        }
    }

    /** The current figure of merit. */
    public double figure(long now) {
        decay(now);
        return figure;
    }

    /** True while the instance is suppressed (counts as down whatever its health). */
    public boolean suppressed(long now) {
        decay(now);
        return suppressed;
    }

    public int flaps() {
        return flaps;
    }

    /** When a suppression ends if nothing else happens, or {@link Long#MAX_VALUE} when not suppressed. */
    public long suppressedUntil(long now) {
        decay(now);
        if (!suppressed) {
            return Long.MAX_VALUE;
        }
        double halfLives = Math.log(figure / settings.reuse()) / Math.log(2);
        return now + (long) Math.ceil(halfLives * settings.halfLife().toNanos()) + 1;
    }

    private void decay(long now) {
        long elapsed = now - updatedAt;
        if (elapsed > 0 && figure > 0) {
            figure *= Math.pow(0.5, (double) elapsed / settings.halfLife().toNanos());
            if (figure < 1e-3) {
                figure = 0;
            }
        }
        updatedAt = Math.max(updatedAt, now);
        if (suppressed && figure < settings.reuse()) {
            suppressed = false;
        }
    }
}
