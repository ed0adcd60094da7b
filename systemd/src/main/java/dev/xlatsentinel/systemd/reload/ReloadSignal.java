package dev.xlatsentinel.systemd.reload;

import dev.xlatsentinel.systemd.notify.SdNotify;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Handles SIGHUP as a reload request, in the same process (the main PID does not change).
 *
 * <p>Install it before sending READY=1: until then SIGHUP has the JVM's default meaning
 * (run shutdown hooks and exit), and systemd only runs {@code ExecReload=} on an active unit.
 * Reloads run one at a time on the JVM's signal thread; a second SIGHUP during a reload waits.
 */
public final class ReloadSignal {
    /**
     * The reload itself: returns the status line to show, or throws why nothing was changed.
     * It logs its own outcome (one line per reload); this class logs only at debug level.
     */
    @FunctionalInterface
    public interface Action {
        String reload() throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);
    private static final Object LOCK = new Object();

    private ReloadSignal() {
    }

    /**
     * Replaces the JVM's SIGHUP handling with: RELOADING=1 (with MONOTONIC_USEC), the action,
     * then READY=1 with the action's status, or with "reload failed: ..." when it threw (the
     * action must then leave the running configuration untouched).
     *
     * @return false, with a warning logged, when the process inherited SIGHUP ignored (for
     *     example from nohup): the JVM then leaves it ignored, and only the control socket's
     *     reload command reloads
     */
    public static boolean install(SdNotify notify, Action action) {
        // The JDK has no public signal API; sun.misc.Signal (module jdk.unsupported) is kept for this.
        SignalHandler previous = Signal.handle(new Signal("HUP"), signal -> reload(notify, action));
        if (previous == SignalHandler.SIG_IGN) {
            LOG.warn("SIGHUP is ignored in this process (inherited from its parent, e.g. nohup), so it will "
                    + "not reload the configuration: use 'xlat-sentinel reload'");
            return false;
        }
        return true;
    }

    /** What SIGHUP runs; callable directly (tests, the control socket's reload command). */
    public static boolean reload(SdNotify notify, Action action) {
        synchronized (LOCK) {
            notify.reloading();
            LOG.debug("reload requested by SIGHUP");
            try {
                String status = action.reload();
                notify.ready(status);
                LOG.debug("reload done: {}", status);
                return true;
            } catch (Exception e) {
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.debug("reload failed, running configuration kept: {}", reason, e);
                notify.ready("reload failed, running configuration kept: " + reason);
                return false;
            }
        }
    }
}
