package dev.xlatsentinel.translator.health;

/**
 * Consecutive pass/fail counting: the whole state machine of an instance, without a clock (the
 * time a streak of failures began is passed in).
 * STARTING goes UP after {@code rise} passes in a row and DOWN after {@code fall} failures in
 * a row; UP goes DOWN after {@code fall} failures in a row; DOWN goes UP after {@code rise}
 * passes in a row. A round against the current direction resets the other streak.
 */
final class RiseFall {
    private final int rise;
    private final int fall;
    private HealthState state = HealthState.STARTING;
    private int passes;
    private int fails;
    /** When the current streak of failures began (scheduler time); meaningful while {@code fails > 0}. */
    private long failingSince;
    /** Rounds of the current streak of failures counted neither way ({@link #skipSilent}). */
    private int silent;

    RiseFall(int rise, int fall) {
        this.rise = rise;
        this.fall = fall;
    }

    HealthState state() {
        return state;
    }

    /** Records one round; returns the new state if it changed, else null. */
    HealthState record(boolean passed) {
        if (passed) {
            passes++;
            fails = 0;
        } else {
            fails++;
            passes = 0;
        }
        HealthState next = state;
        if (state != HealthState.UP && passes >= rise) {
            next = HealthState.UP;
        } else if (state != HealthState.DOWN && fails >= fall) {
            next = HealthState.DOWN;
        }
        if (next == state) {
            return null;
        }
        state = next;
        passes = 0;
        fails = 0;
        return next;
    }

    /** Records a failure observed at {@code at} (scheduler time); returns the new state if it changed. */
    HealthState fail(long at) {
        if (fails == 0) {
            failingSince = at;
            silent = 0;
        }
        return record(false);
    }

    /** When the current streak of failures began (its first failure's time); meaningful while {@link #fails} > 0. */
    long failingSince() {
        return failingSince;
    }

    /** A round within the current streak of failures, counted neither way (InstanceHealth, "Rounds and states"). */
    void skipSilent() {
        silent++;
    }

    /** Rounds counted neither way within the current streak of failures; 0 when there is none. */
    int silentInStreak() {
        return fails > 0 ? silent : 0;
    }

    /**
     * A fault that needs no confirmation ({@code onEvent: down}): DOWN now, whatever the
     * streaks; returns DOWN if that is a change, else null. Rising again needs {@code rise}
     * passes from here.
     */
    HealthState forceDown() {
        passes = 0;
        if (state == HealthState.DOWN) {
            return null;
        }
        state = HealthState.DOWN;
        fails = 0;
        return HealthState.DOWN;
    }

    /** A change could come soon: still STARTING, or a streak against the current state has begun. */
    boolean pending() {
        return state == HealthState.STARTING || (state == HealthState.UP && fails > 0)
                || (state == HealthState.DOWN && passes > 0);
    }

    int passes() {
        return passes;
    }

    int fails() {
        return fails;
    }
}
