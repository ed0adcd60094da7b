package dev.xlatsentinel.agent.policy;

import java.time.Duration;

/**
 * Flap damping, after route-flap damping (RFC 2439): every withdrawal caused by an instance
 * adds {@code penalty} to that instance's figure of merit, which decays with {@code halfLife}.
 * Above {@code suppress} the instance counts as down whatever its health, until the figure
 * decays below {@code reuse}; {@code maxSuppress} caps how long that can last. Independently,
 * a withdrawn service stays withdrawn for at least {@code minHold}.
 */
public record DampingSettings(Duration minHold, double penalty, double suppress, double reuse, Duration halfLife,
        Duration maxSuppress) {

    /** Off: no hold, no penalty. */
    public static final DampingSettings OFF = new DampingSettings(Duration.ZERO, 0, 1, 0.5, Duration.ofMinutes(1),
            Duration.ZERO);

    /**
     * Defaults: a 5 s hold keeps a translator that bounces from pulling the route back and
     * forth; three flaps within about a minute suppress it, for at most 10 minutes.
     */
    public static final DampingSettings DEFAULT = new DampingSettings(Duration.ofSeconds(5), 1000, 2500, 750,
            Duration.ofSeconds(60), Duration.ofMinutes(10));

    /** The penalty ceiling that makes a suppression end within {@code maxSuppress} (RFC 2439 §4.2). */
    public double ceiling() {
        if (maxSuppress.isZero() || halfLife.isZero()) {
            return reuse;
        }
        double halfLives = (double) maxSuppress.toNanos() / halfLife.toNanos();
        return reuse * Math.pow(2, Math.min(halfLives, 60));
    }

    public boolean enabled() {
        return penalty > 0;
    }
}
