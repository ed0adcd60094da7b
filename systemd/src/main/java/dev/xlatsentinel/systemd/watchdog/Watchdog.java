package dev.xlatsentinel.systemd.watchdog;

import dev.xlatsentinel.platform.time.Clock;
import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.systemd.notify.SdNotify;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings systemd's watchdog (WATCHDOG=1) at half of {@code WatchdogSec=}, but only while every
 * registered {@link LivenessCheck} passes. A stalled loop therefore stops the pings, and
 * systemd aborts and restarts the hung agent one interval later (the router has by then
 * withdrawn through BFD silence). A loop that recovers before that resumes the pings.
 *
 * <pre>{@code
 * Watchdog watchdog = Watchdog.fromEnvironment(notify);
 * Heartbeat loop = watchdog.heartbeat("bfd-event-loop", Duration.ofSeconds(2));
 * eventLoop.scheduleAtFixedRate(loop::beat, 0, 200, MILLISECONDS);
 * watchdog.register("prober", () -> prober.lastRoundAge().compareTo(limit) <= 0
 *         ? Liveness.ALIVE : Liveness.stalled("last probe round " + prober.lastRoundAge() + " ago"));
 * watchdog.start();
 * }</pre>
 *
 * <p>When pinging stops, one warning names each stalled check and its reason; when it
 * resumes, one line says so. Checks run on the watchdog's own thread.
 */
public final class Watchdog implements AutoCloseable {
    /** A check that did not pass, and why. */
    public record Stall(String check, String reason) {
        @Override
        public String toString() {
            return check + ": " + reason;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final SdNotify notify;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, LivenessCheck> checks = new LinkedHashMap<>();
    private List<Stall> lastStalls = List.of();
    private ScheduledExecutorService pinger;

    /**
     * @param interval systemd's {@code WatchdogSec=}, or null when the watchdog is off (checks
     *                 can still be evaluated, nothing is sent)
     */
    public Watchdog(SdNotify notify, Duration interval, Clock clock) {
        if (interval != null && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("watchdog interval must be positive: " + interval);
        }
        this.notify = notify;
        this.interval = interval;
        this.clock = clock;
    }

    /** From this process's {@code WATCHDOG_USEC} / {@code WATCHDOG_PID}, on the system clock. */
    public static Watchdog fromEnvironment(SdNotify notify) {
        return fromEnvironment(notify, System.getenv(), ProcessHandle.current().pid(), Clock.SYSTEM);
    }

    public static Watchdog fromEnvironment(SdNotify notify, Map<String, String> env, long ourPid,
            Clock clock) {
        return new Watchdog(notify, WatchdogSettings.interval(env, ourPid).orElse(null), clock);
    }

    /** True when systemd expects pings and there is a socket to send them to. */
    public boolean enabled() {
        return interval != null && notify.enabled();
    }

    /** systemd's {@code WatchdogSec=}, if the watchdog is on. */
    public Optional<Duration> interval() {
        return Optional.ofNullable(interval);
    }

    /** How often checks run and pings go out: half the interval, as sd_watchdog_enabled(3) advises. */
    public Optional<Duration> pingPeriod() {
        return interval().map(i -> i.dividedBy(2));
    }

    /** The clock checks should measure with (the one {@link #heartbeat} uses). */
    public Clock clock() {
        return clock;
    }

    /** Registers a check under a unique name (the name appears in log lines). */
    public synchronized void register(String name, LivenessCheck check) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("liveness check name must not be blank");
        }
        if (checks.putIfAbsent(name, check) != null) {
            throw new IllegalArgumentException("liveness check already registered: " + name);
        }
    }

    /** Creates a {@link Heartbeat} on this watchdog's clock and registers it. */
    public Heartbeat heartbeat(String name, Duration maxSilence) {
        Heartbeat heartbeat = new Heartbeat(clock, maxSilence);
        register(name, heartbeat);
        return heartbeat;
    }

    /** Removes a check (a loop that was shut down on purpose); unknown names are ignored. */
    public synchronized void unregister(String name) {
        checks.remove(name);
    }

    /** Runs every check now and returns those that did not pass, in registration order. */
    public synchronized List<Stall> stalls() {
        List<Stall> stalls = new ArrayList<>();
        checks.forEach((name, check) -> {
            Liveness liveness;
            try {
                liveness = check.check();
            } catch (RuntimeException e) {
                liveness = Liveness.stalled("check threw " + e);
            }
            if (liveness == null) {
                liveness = Liveness.stalled("check returned null");
            }
            if (!liveness.alive()) {
                stalls.add(new Stall(name, liveness.reason()));
            }
        });
        return stalls;
    }

    /**
     * One round: runs the checks and pings if all pass. Logs when pinging stops (and again if
     * the set of stalled checks changes) and when it resumes.
     *
     * @return true if a ping was sent
     */
    public synchronized boolean tick() {
        List<Stall> stalls = stalls();
        List<Stall> previous = lastStalls;
        lastStalls = stalls;
        if (stalls.isEmpty()) {
            if (!previous.isEmpty()) {
                LOG.info("watchdog: all liveness checks pass again; pinging systemd resumed");
            }
            return enabled() && notify.watchdog();
        }
        if (!names(stalls).equals(names(previous))) {
            LOG.warn("watchdog: not pinging systemd: {}; systemd aborts the service after {} without a ping",
                    stalls.stream().map(Stall::toString).collect(Collectors.joining("; ")),
                    interval == null ? "WatchdogSec" : Durations.format(interval));
        }
        return false;
    }

    /** Starts pinging on a daemon thread {@code sd-watchdog}; without a watchdog it only logs at debug. */
    public synchronized void start() {
        if (!enabled()) {
            LOG.debug("systemd watchdog is off (no WATCHDOG_USEC for this process or no NOTIFY_SOCKET): not pinging");
            return;
        }
        if (pinger != null) {
            throw new IllegalStateException("watchdog already started");
        }
        pinger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sd-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = pingPeriod().orElseThrow().toNanos();
        pinger.scheduleAtFixedRate(this::tickLogged, 0, period, TimeUnit.NANOSECONDS);
        LOG.info("systemd watchdog on: WatchdogSec {}, {} liveness check(s) run and a ping is sent every {}",
                Durations.format(interval), checks.size(), Durations.format(Duration.ofNanos(period)));
    }

    private void tickLogged() {
        try {
            tick();
        } catch (RuntimeException e) {
            // A failing round must not end the schedule; the missed ping is the signal.
            LOG.error("watchdog round failed", e);
        }
    }

    private static List<String> names(List<Stall> stalls) {
        return stalls.stream().map(Stall::check).toList();
    }

    /** Stops pinging (at shutdown; systemd stops expecting pings once the service stops). */
    @Override
    public synchronized void close() {
        if (pinger != null) {
            pinger.shutdownNow();
            pinger = null;
        }
    }
}
