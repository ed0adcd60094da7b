package dev.xlatsentinel.translator.event;

import dev.xlatsentinel.platform.time.Clock;
import java.util.Objects;
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
        EventSink s = sink;
        if (s == null) {
            return;
        }
        String problem;
        try {
            problem = look.get();
        } catch (RuntimeException e) {
            problem = "probe error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
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
