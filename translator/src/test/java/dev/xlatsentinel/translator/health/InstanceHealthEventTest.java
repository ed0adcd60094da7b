package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.event.EventSink;
import dev.xlatsentinel.translator.event.ProbeEvent;
import dev.xlatsentinel.translator.event.Watched;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events between rounds (a watched probe's kernel announcements) feed the same rise/fall as the
 * rounds: on a hand-driven clock.
 */
class InstanceHealthEventTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration FAST = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private ManualClock clock;
    private final List<HealthChange> changes = new ArrayList<>();

    /** A watched probe: its round outcome is set by the test; the test sends its events through {@link #sink}. */
    static final class WatchedProbe implements Probe, Watched {
        final String name;
        final EventMode mode;
        volatile boolean pass = true;
        /** When set, a round's result waits for the test to complete it. */
        volatile CompletableFuture<ProbeResult> pending;
        boolean holdNext;
        EventSink sink;
        int runs;

        WatchedProbe(String name, EventMode mode) {
            this.name = name;
            this.mode = mode;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletableFuture<ProbeResult> run(Duration timeout) {
            runs++;
            if (holdNext) {
                holdNext = false;
                pending = new CompletableFuture<>();
                return pending;
            }
            return CompletableFuture.completedFuture(pass ? ProbeResult.pass(name, "fine")
                    : ProbeResult.fail(name, "broken"));
        }

        @Override
        public void watch(EventSink s) {
            this.sink = s;
        }

        @Override
        public EventMode eventMode() {
            return mode;
        }
    }

    @BeforeEach
    void clock() {
        clock = new ManualClock(T0);
    }

    private InstanceHealth health(int rise, int fall, List<Precondition> preconditions, Probe... probes) {
        InstanceHealth h = new InstanceHealth("lower", new HealthPolicy(rise, fall, INTERVAL, FAST, TIMEOUT, 0),
                List.of(probes), preconditions, clock);
        h.addListener(changes::add);
        h.start();
        return h;
    }

    private ProbeEvent fault(WatchedProbe p, String reason) {
        return new ProbeEvent(p.name, true, reason, p.mode, clock.nanoTime());
    }

    @Test
    void aFaultEventCountsAsOneFailedRoundAtOnceAndPullsTheNextRoundForward() {
        WatchedProbe tayga = new WatchedProbe("tayga", EventMode.COUNT);
        InstanceHealth h = health(1, 2, List.of(), tayga);
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(tayga.sink).as("watched at start").isNotNull();
        clock.advance(INTERVAL.dividedBy(2));
        tayga.pass = false;
        // A burst of messages about one fault is one failed observation, not fall of them.
        tayga.sink.event(fault(tayga, "TAYGA (pid 7) is not running (seen by a process exit (pidfd))"));
        tayga.sink.event(fault(tayga, "TAYGA (pid 7) is not running (seen by a TUN link event)"));
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.faultEvents()).isEqualTo(1);
        assertThat(tayga.runs).isEqualTo(1);
        // The next round was due at 1 s; the event brought it to now (0.5 s is past fastInterval).
        clock.runDue();
        assertThat(tayga.runs).isEqualTo(2);
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        HealthChange down = changes.get(changes.size() - 1);
        assertThat(down.at()).isEqualTo(T0.plus(INTERVAL.dividedBy(2)));
        assertThat(down.reason()).contains("tayga: broken");
    }

    @Test
    void anEventSoonAfterARoundPullsTheNextOneNoSoonerThanTheFastInterval() {
        WatchedProbe tayga = new WatchedProbe("tayga", EventMode.COUNT);
        InstanceHealth h = health(1, 3, List.of(), tayga);
        clock.runDue();
        clock.advance(Duration.ofMillis(50));
        tayga.pass = false;
        tayga.sink.event(fault(tayga, "TUN nat64 is administratively down (seen by a TUN link event)"));
        clock.advance(FAST.minus(Duration.ofMillis(51)));
        assertThat(tayga.runs).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(tayga.runs).as("round at fastInterval after the last start").isEqualTo(2);
        // event (1) + round (2) + the next at the fast interval (3): fall 3.
        assertThat(h.state()).isEqualTo(HealthState.UP);
        clock.advance(FAST);
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        assertThat(clock.nanoTime()).isEqualTo(FAST.multipliedBy(2).toNanos());
    }

    @Test
    void onEventDownTakesTheInstanceDownAtOnceAndRisingNeedsRisePassesAgain() {
        WatchedProbe tayga = new WatchedProbe("tayga", EventMode.DOWN);
        InstanceHealth h = health(2, 5, List.of(), tayga);
        clock.runDue();
        clock.advance(FAST);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        clock.advance(Duration.ofMillis(300));
        tayga.sink.event(fault(tayga, "TAYGA (pid 7) is not running (seen by a process exit (pidfd))"));
        assertThat(h.state()).as("no round in between").isEqualTo(HealthState.DOWN);
        HealthChange down = changes.get(changes.size() - 1);
        assertThat(down.from()).isEqualTo(HealthState.UP);
        assertThat(down.reason()).isEqualTo("tayga: TAYGA (pid 7) is not running (seen by a process exit (pidfd))"
                + " (onEvent: down)");
        assertThat(down.results()).extracting(ProbeResult::passed).containsExactly(false);
        // The translator is back: rise passes from here, not fewer.
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        clock.advance(FAST);
        assertThat(h.state()).isEqualTo(HealthState.UP);
    }

    @Test
    void aRoundThatStartedBeforeAFaultEventCannotCountAsAPass() {
        WatchedProbe tayga = new WatchedProbe("tayga", EventMode.COUNT);
        InstanceHealth h = health(1, 2, List.of(), tayga);
        clock.runDue();
        tayga.holdNext = true;
        clock.advance(INTERVAL); // round 2 starts and waits for its result
        assertThat(tayga.pending).isNotNull();
        clock.advance(Duration.ofMillis(10));
        tayga.sink.event(fault(tayga, "TUN nat64 does not exist (seen by a TUN removal event)"));
        // The round saw the world before the event: its pass must not reset the streak.
        tayga.pending.complete(ProbeResult.pass("tayga", "fine"));
        assertThat(h.state()).isEqualTo(HealthState.UP);
        tayga.pass = false;
        clock.advance(FAST);
        assertThat(h.state()).as("event + the next round = fall 2").isEqualTo(HealthState.DOWN);
    }

    @Test
    void aFineEventOnlyPullsARoundAndCountsNothing() {
        WatchedProbe tayga = new WatchedProbe("tayga", EventMode.COUNT);
        InstanceHealth h = health(1, 1, List.of(), tayga);
        clock.runDue();
        clock.advance(Duration.ofMillis(300));
        tayga.sink.event(new ProbeEvent("tayga", false, "fine after a TUN link event", EventMode.COUNT,
                clock.nanoTime()));
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.faultEvents()).isZero();
        clock.runDue();
        assertThat(tayga.runs).isEqualTo(2);
        assertThat(h.state()).isEqualTo(HealthState.UP);
    }

    @Test
    void aViolatedPreconditionFailsTheRoundWhateverTheProbesSayAndItsEventGoesDown() {
        WatchedProbe tayga = new WatchedProbe("tayga", EventMode.COUNT);
        String[] broken = {null};
        Precondition ns = new Precondition() {
            @Override
            public String name() {
                return "namespace lower";
            }

            @Override
            public String violated() {
                return broken[0];
            }
        };
        InstanceHealth h = health(1, 1, List.of(ns), tayga);
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        broken[0] = "network namespace lower was deleted";
        h.event(new ProbeEvent("namespace lower", true, broken[0] + " (seen by an inotify event)", EventMode.DOWN,
                clock.nanoTime()));
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes.get(changes.size() - 1).results()).extracting(ProbeResult::probe)
                .containsExactly("tayga", "namespace lower");
        // The probes pass, the namespace is still gone: rounds keep it down.
        clock.advance(INTERVAL);
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        broken[0] = null;
        clock.advance(INTERVAL);
        assertThat(h.state()).isEqualTo(HealthState.UP);
    }

    @Test
    void eventsOfUnknownProbesAndAfterCloseAreIgnored() {
        WatchedProbe tayga = new WatchedProbe("tayga", EventMode.DOWN);
        InstanceHealth h = health(1, 1, List.of(), tayga);
        clock.runDue();
        h.event(new ProbeEvent("someone-else", true, "broken", EventMode.DOWN, clock.nanoTime()));
        assertThat(h.state()).isEqualTo(HealthState.UP);
        h.close();
        tayga.sink.event(fault(tayga, "gone"));
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.faultEvents()).isZero();
    }
}
