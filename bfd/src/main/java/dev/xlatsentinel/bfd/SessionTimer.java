package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.session.SessionTable;
import dev.xlatsentinel.bfd.timer.TimerHeap;
import dev.xlatsentinel.platform.time.Clock;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The event loop's one wake-up for an engine's sessions: armed for the earliest deadline in
 * the table, at the end of its resolution slot, so one wake-up serves every session due in
 * it (timers run up to one slot late, never early). Guarded by the {@link SessionLoop}'s lock.
 */
final class SessionTimer {
    private final SessionLoop loop;
    private final SessionTable table;
    private final Clock clock;
    private final Runnable onWakeup = this::onWakeup;
    private ScheduledFuture<?> wakeup;
    private long wakeupAt = TimerHeap.NEVER;
    private boolean stopped;

    SessionTimer(SessionLoop loop, SessionTable table, Clock clock) {
        this.loop = loop;
        this.table = table;
        this.clock = clock;
    }

    /** Arms the wake-up for the earliest session deadline; cheap when nothing changed. */
    void rearm() {
        long next = table.nextDeadline();
        if (next == TimerHeap.NEVER || stopped) {
            return;
        }
        long slot = slot(next);
        if (slot >= wakeupAt) {
            return;
        }
        if (wakeup != null) {
            wakeup.cancel(false);
        }
        wakeupAt = slot;
        long delay = Math.max(0, slot - clock.nanoTime());
        wakeup = loop.eventLoop().schedule(onWakeup, delay, TimeUnit.NANOSECONDS);
    }

    /**
     * Whether a {@link #rearm} is needed before the loop next wakes on its own: nothing is
     * armed, or the sessions' next deadline falls in an earlier slot than the one armed.
     */
    boolean needsRearm() {
        long next = table.nextDeadline();
        return wakeupAt == TimerHeap.NEVER || next != TimerHeap.NEVER && slot(next) < wakeupAt;
    }

    /** No wake-up from now on (the engine closes). */
    void stop() {
        stopped = true;
        if (wakeup != null) {
            wakeup.cancel(false);
        }
    }

    /** The end of the deadline's resolution slot, when the loop wakes for it. */
    private long slot(long deadline) {
        long resolution = table.timerSlackNanos();
        return resolution <= 1 ? deadline : (deadline / resolution + 1) * resolution;
    }

    private void onWakeup() {
        loop.lock();
        try {
            wakeup = null;
            wakeupAt = TimerHeap.NEVER;
            table.poll(clock.nanoTime());
            rearm();
        } finally {
            loop.unlock();
        }
    }
}
