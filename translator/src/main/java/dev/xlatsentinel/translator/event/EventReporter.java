package dev.xlatsentinel.translator.event;

import dev.xlatsentinel.platform.time.Clock;
import dev.xlatsentinel.platform.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part every watched probe shares: when the kernel announces a change, look at once with
 * the probe's own check (so an event never reports more than the probe would) and report the
 * outcome to the sink. Thread-safe; called from the events thread.
 */
public final class EventReporter {
    private static final Logger LOG = LoggerFactory.getLogger(EventReporter.class);

    private final String probe;
    private final EventMode mode;
    private final Clock clock;
    /** The probe's state check without side effects: null when fine, else why not. */
    private final Supplier<String> look;
    private volatile EventSink sink;

    public EventReporter(String probe, EventMode mode, Clock clock, Supplier<String> look) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.look = Objects.requireNonNull(look, "look");
    }

    public EventMode mode() {
        return mode;
    }

    /** Events go to {@code s} from now on. */
    public void attach(EventSink s) {
        this.sink = s;
    }

    public boolean attached() {
        return sink != null;
    }

    /**
     * The kernel announced {@code what} (e.g. {@code link event}): look now and report. A look
     * that throws is reported as a fault with the error, as a round would count it.
     */
    public void changed(String what) {
        if (sink != null) {
            report(what, look());
        }
    }

    /**
     * The kernel announced the removal of {@code what} before doing it: a look that still finds
     * all fine is early, so look again after each of {@code again} (scheduled on
     * {@code scheduler}, the look run through {@code on}, the thread it must run on) until one
     * sees the fault or none is left, and report that last look. Linux sends RTM_DELROUTE for
     * an IPv4 route before it takes the route out of the table (net/ipv4/fib_trie.c,
     * {@code fib_table_delete()}: {@code rtmsg_fib()}, then {@code fib_remove_alias()}); a
     * look woken by the message, on a small machine, can run in between.
     */
    public void removed(String what, Scheduler scheduler, Executor on, List<Duration> again) {
        removalLook(what, scheduler, on, again).run();
    }

    /**
     * {@link #removed}, made once (when the probe starts watching) and run on each removal
     * message from any thread: its class is loaded then, not on the first fault.
     */
    public Runnable removalLook(String what, Scheduler scheduler, Executor on, List<Duration> again) {
        return new LookAfterRemoval(what, scheduler, on, again, 0, true);
    }

    /**
     * One look after a removal, on its thread ({@code hop}: first from the caller's or the
     * scheduler's thread to it). A class, not lambdas: a lambda's class is made the first time
     * its line runs, and these run first on the first fault of an agent's life, before the
     * decision (docs/failover.md "The first fault").
     */
    private final class LookAfterRemoval implements Runnable {
        private final String what;
        private final Scheduler scheduler;
        private final Executor on;
        private final List<Duration> again;
        private final int i;
        private final boolean hop;

        LookAfterRemoval(String what, Scheduler scheduler, Executor on, List<Duration> again, int i, boolean hop) {
            this.what = what;
            this.scheduler = scheduler;
            this.on = on;
            this.again = again;
            this.i = i;
            this.hop = hop;
        }

        @Override
        public void run() {
            if (hop) {
                on.execute(new LookAfterRemoval(what, scheduler, on, again, i, false));
                return;
            }
            if (sink == null) {
                return;
            }
            String problem = look();
            if (problem == null && i < again.size()) {
                scheduler.schedule(again.get(i), new LookAfterRemoval(what, scheduler, on, again, i + 1, true));
                return;
            }
            report(i == 0 ? what : what + ", looked " + (i + 1) + " times", problem);
        }
    }

    private String look() {
        try {
            return look.get();
        } catch (RuntimeException e) {
            return "probe error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private void report(String what, String problem) {
        EventSink s = sink;
        if (s == null) {
            return;
        }
        long at = clock.nanoTime();
        ProbeEvent e = problem == null ? new ProbeEvent(probe, false, "fine after a " + what, mode, at)
                : new ProbeEvent(probe, true, problem + " (seen by a " + what + ")", mode, at);
        try {
            s.event(e);
        } catch (RuntimeException ex) {
            LOG.warn("event sink failed on {}", e, ex);
        }
    }
}
