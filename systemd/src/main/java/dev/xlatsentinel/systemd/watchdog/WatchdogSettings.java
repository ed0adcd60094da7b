package dev.xlatsentinel.systemd.watchdog;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The watchdog interval systemd asks for: {@code WATCHDOG_USEC} (from {@code WatchdogSec=}),
 * meant for the process named by {@code WATCHDOG_PID} when that is set (sd_watchdog_enabled(3)).
 */
public final class WatchdogSettings {
    public static final String WATCHDOG_USEC = "WATCHDOG_USEC";
    public static final String WATCHDOG_PID = "WATCHDOG_PID";

    private WatchdogSettings() {
    }

    /**
     * The interval if the watchdog is on for process {@code ourPid}; empty when
     * {@code WATCHDOG_USEC} is unset or the variables are meant for another process (a
     * child that inherited them).
     *
     * @throws IllegalArgumentException naming the variable when a value is not a positive integer
     */
    public static Optional<Duration> interval(Map<String, String> env, long ourPid) {
        String usec = env.get(WATCHDOG_USEC);
        if (usec == null || usec.isEmpty()) {
            return Optional.empty();
        }
        long micros = positive(WATCHDOG_USEC, usec);
        String pid = env.get(WATCHDOG_PID);
        if (pid != null && !pid.isEmpty() && positive(WATCHDOG_PID, pid) != ourPid) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.multiplyExact(micros, 1_000L)));
    }

    private static long positive(String name, String value) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + value + ": not an integer", e);
        }
        if (v <= 0) {
            throw new IllegalArgumentException(name + "=" + value + ": must be positive");
        }
        return v;
    }
}
