package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.platform.time.Scheduler;
import java.util.ArrayList;
import java.util.List;

/**
 * The rounds of one instance that are running (between their start and their finish), oldest
 * first: one, or two with {@link HealthPolicy#confirmEarly}, and an overtaken one until its
 * probes end; and the pending confirmEarly check. Rounds are counted in the order they
 * started: once one is counted, those still running that started before it count nothing.
 * Guarded by the instance's health.
 */
final class RoundsInFlight {
    private final List<RunningRound> running = new ArrayList<>(3);
    /** The round a pending confirmEarly check is for, and its timer. */
    private RunningRound confirmFor;
    private Scheduler.Timer confirmTimer;

    void add(RunningRound r) {
        running.add(r);
    }

    /** Still running (an early verdict or a result of a round not here is not counted). */
    boolean contains(RunningRound r) {
        return running.contains(r);
    }

    /** Only {@code r} runs. */
    boolean alone(RunningRound r) {
        return running.size() == 1 && running.get(0) == r;
    }

    /** Rounds running that will be counted (not overtaken). */
    int live() {
        int n = 0;
        for (RunningRound r : running) {
            n += r.overtaken ? 0 : 1;
        }
        return n;
    }

    /** {@code counted} is being counted: the rounds still running that started before it count nothing. */
    void overtakeOlder(RunningRound counted) {
        for (RunningRound r : running) {
            if (r != counted && r.start <= counted.start) {
                r.overtaken = true;
            }
        }
    }

    /**
     * {@code r} ended: no longer running, its pending check cancelled. True if it is to be
     * counted (then the older ones still running are overtaken); false if a newer one was
     * counted first.
     */
    boolean finish(RunningRound r) {
        boolean counted = running.remove(r) && !r.overtaken;
        if (r == confirmFor) {
            confirmTimer.cancel();
            confirmFor = null;
            confirmTimer = null;
        }
        if (counted) {
            overtakeOlder(r);
        }
        return counted;
    }

    /** The confirmEarly check for {@code r}, due on {@code timer}. */
    void confirmLater(RunningRound r, Scheduler.Timer timer) {
        confirmFor = r;
        confirmTimer = timer;
    }

    /** The round the due check is for, if it is still the only one running; the check is used up. */
    RunningRound confirmDue() {
        RunningRound checked = confirmFor;
        confirmFor = null;
        confirmTimer = null;
        return checked != null && alone(checked) ? checked : null;
    }

    /** Closing: no check any more. */
    void cancelConfirm() {
        if (confirmTimer != null) {
            confirmTimer.cancel();
        }
    }
}
