package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.translator.probe.ProbeResult;
import java.util.List;

/**
 * Gets every change of an instance's state, in order, on the thread that finished the
 * round, delivered the probe result that decided it early, or reported the event (a watched
 * probe's, on the events thread). Keep it short: the next listener, and the log line, wait
 * for it; an exception is logged and does not stop the others.
 */
@FunctionalInterface
public interface HealthListener {
    void onChange(HealthChange change);

    /**
     * Every finished round's results, change or not (for metrics: probe latency and failures
     * by reason). Called after {@link #onChange} when the round changed the state: the
     * decision goes out first.
     */
    default void onRound(String instance, List<ProbeResult> results) {
    }

    /**
     * The upstream alarm of an instance was raised ({@code alarm} says why) or cleared
     * ({@code alarm} null): its probe targets are unreachable natively too, so it stays up.
     */
    default void onAlarm(String instance, String alarm) {
    }
}
