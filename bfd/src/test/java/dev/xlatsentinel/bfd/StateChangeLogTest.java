package dev.xlatsentinel.bfd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import java.net.InetAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A flap storm is logged within a budget a second, and the overflow is counted, not queued. */
class StateChangeLogTest {
    private static final long SECOND = 1_000_000_000L;

    private static StateChange change() throws Exception {
        SessionKey k = new SessionKey(HopMode.SINGLE_HOP, InetAddress.getByName("192.0.2.1"),
                InetAddress.getByName("192.0.2.2"), null);
        return new StateChange(k, State.UP, State.DOWN, Diagnostic.CONTROL_DETECTION_TIME_EXPIRED, Diagnostic.NONE,
                "no packet for 30 ms", Instant.EPOCH);
    }

    @Test
    void beyondTheBudgetChangesAreCountedAndTheCountStartsOverEachSecond() throws Exception {
        StateChangeLog log = new StateChangeLog();
        StateChange c = change();
        for (int i = 0; i < StateChangeLog.PER_SECOND + 50; i++) {
            log.log(c, 5 * SECOND + i);
        }
        assertThat(log.suppressed()).isEqualTo(50);
        log.log(c, 6 * SECOND);
        assertThat(log.suppressed()).as("a new second, a new budget").isZero();
    }
}
