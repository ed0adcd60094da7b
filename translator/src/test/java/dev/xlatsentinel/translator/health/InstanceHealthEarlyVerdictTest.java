package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.event.EventSink;
import dev.xlatsentinel.translator.event.ProbeEvent;
import dev.xlatsentinel.translator.event.Watched;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A round that can no longer pass is counted when the result that decided it arrives, not when
 * its slowest probe answers; it is counted once. On a hand-driven clock, probes answered by hand.
 */
class InstanceHealthEarlyVerdictTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration FAST = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private static final String STALL = "TUN nat64: the kernel handed 12 packets to TAYGA since the last check and"
            + " TAYGA wrote none back (TAYGA is stopped (SIGSTOP))";

    private ManualClock clock;
    private final List<HealthChange> changes = new ArrayList<>();
    private final List<List<ProbeResult>> rounds = new ArrayList<>();

    /** A probe that answers at once with {@link #answer}, or, while that is null, when the test completes {@link #pending}. */
    static final class Held implements Probe, Watched {
        final String name;
        final boolean evidence;
        volatile ProbeResult answer;
        volatile CompletableFuture<ProbeResult> pending;
        EventSink sink;
        int runs;

        Held(String name, boolean evidence) {
            this.name = name;
            this.evidence = evidence;
            this.answer = ProbeResult.pass(name, "fine");
        }

        Held(String name) {
            this(name, false);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletableFuture<ProbeResult> run(Duration timeout) {
            runs++;
            if (answer != null) {
                return CompletableFuture.completedFuture(answer);
            }
            pending = new CompletableFuture<>();
            return pending;
        }

        @Override
        public boolean evidenceOnly() {
            return evidence;
        }

        @Override
        public void watch(EventSink s) {
            sink = s;
        }

        @Override
        public EventMode eventMode() {
            return EventMode.COUNT;
        }
    }

    /** The tayga probe's verdict on a frozen TAYGA: no rule excuses it. */
    private static ProbeResult frozen() {
        return ProbeResult.fail("tayga", STALL).withSignal(new Signal.Forwarding(12, 0, 0, false, 5_000_000));
    }

    /** The datapath probe failed only by timeouts: a rule could excuse it (busy, upstream, lossy, starved). */
    private static ProbeResult timedOut() {
        return ProbeResult.fail("icmp", "2/2 targets timed out after 500ms")
                .withSignal(new Signal.Datapath(true, List.of("192.0.2.1", "198.51.100.1"), Long.MIN_VALUE));
    }

    /** The path answered "broken": never excused. */
    private static ProbeResult unreachable() {
        return ProbeResult.fail("icmp", "0/2 targets answered: 192.0.2.1 ICMPv6 unreachable (no route)")
                .withSignal(new Signal.Datapath(false, List.of(), Long.MIN_VALUE));
    }

    private static ProbeResult answered() {
        return ProbeResult.pass("icmp", "2/2 targets answered").withSignal(new Signal.Datapath(false, List.of(), 0));
    }

    @BeforeEach
    void clock() {
        clock = new ManualClock(T0);
    }

    private InstanceHealth health(int rise, int fall, int required, Probe... probes) {
        InstanceHealth h = new InstanceHealth("lower", new HealthPolicy(rise, fall, INTERVAL, FAST, TIMEOUT, required),
                List.of(probes), clock);
        h.addListener(new HealthListener() {
            @Override
            public void onChange(HealthChange change) {
                changes.add(change);
            }

            @Override
            public void onRound(String instance, List<ProbeResult> results) {
                rounds.add(results);
            }
        });
        h.start();
        return h;
    }

    @Test
    void aFrozenTaygaGoesDownBeforeTheDatapathProbeAnswersWithFallOne() {
        Held tayga = new Held("tayga");
        Held icmp = new Held("icmp");
        InstanceHealth h = health(1, 1, 0, tayga, icmp);
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        icmp.answer = null;
        tayga.answer = frozen();
        clock.advance(INTERVAL.plusMillis(3)); // round 2 starts at 1 s; the tayga probe fails at once
        assertThat(icmp.pending).as("the datapath probe still waits").isNotDone();
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        HealthChange down = changes.get(changes.size() - 1);
        assertThat(down.from()).isEqualTo(HealthState.UP);
        assertThat(down.at()).isEqualTo(T0.plus(INTERVAL));
        assertThat(down.reason()).isEqualTo("at most 1/2 probes can pass (all 2 required) for 1 rounds in a row: tayga: "
                + STALL + " (counted as soon as the round could no longer pass)");
        assertThat(down.results()).extracting(ProbeResult::probe).containsExactly("tayga", "icmp");
        assertThat(down.results().get(0).reason()).isEqualTo(STALL);
        assertThat(rounds).as("the round itself has not ended").hasSize(1);
        icmp.pending.complete(timedOut());
        assertThat(changes).hasSize(2);
        assertThat(rounds).hasSize(2);
        assertThat(h.status().lastResults()).extracting(ProbeResult::probe).containsExactly("tayga", "icmp");
        assertThat(h.status().lastResults().get(1).reason()).startsWith("2/2 targets timed out after 500ms (counted:");
    }

    @Test
    void withFallTwoTheSecondRoundGoesDownWhenItsTaygaProbeFailsNotAtItsEnd() {
        Held tayga = new Held("tayga");
        Held icmp = new Held("icmp");
        InstanceHealth h = health(1, 2, 0, tayga, icmp);
        clock.runDue();
        icmp.answer = null;
        tayga.answer = frozen();
        clock.advance(INTERVAL); // round 2: counted at once, the instance stays UP (fall 2)
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.status().failsInARow()).isEqualTo(1);
        clock.advance(Duration.ofMillis(500));
        icmp.pending.complete(timedOut()); // round 2 ends: not counted again
        assertThat(h.status().failsInARow()).isEqualTo(1);
        assertThat(h.status().rounds()).isEqualTo(2);
        CompletableFuture<ProbeResult> second = icmp.pending;
        clock.runDue(); // round 3 was due at 1.2 s, after round 2 started: it starts now that round 2 ended (1.5 s)
        assertThat(icmp.pending).as("round 3 started").isNotSameAs(second).isNotDone();
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        HealthChange down = changes.get(changes.size() - 1);
        assertThat(down.at()).isEqualTo(T0.plus(INTERVAL).plusMillis(500));
        assertThat(down.reason()).startsWith("at most 1/2 probes can pass (all 2 required) for 2 rounds in a row: tayga: "
                + STALL + "; icmp: 2/2 targets timed out after 500ms (counted: ").endsWith(
                "(its last result; still running) (counted as soon as the round could no longer pass)");
        icmp.pending.complete(timedOut());
        assertThat(changes).extracting(HealthChange::to).containsExactly(HealthState.UP, HealthState.DOWN);
        assertThat(h.status().rounds()).isEqualTo(3);
        assertThat(h.status().failsInARow()).isZero();
    }

    @Test
    void aSymptomThatDecidesFirstIsToldWithTheLastFailureOfTheProbeStillRunning() {
        Held icmp = new Held("icmp");
        Held tayga = new Held("tayga");
        InstanceHealth h = health(1, 2, 0, icmp, tayga);
        clock.runDue();
        icmp.answer = unreachable();
        tayga.answer = ProbeResult.fail("tayga", "TUN nat64 is administratively down");
        clock.advance(INTERVAL); // round 2: both fail, counted at its end (fall 2)
        assertThat(h.state()).isEqualTo(HealthState.UP);
        tayga.answer = null;
        clock.advance(FAST); // round 3: the path's "no route" comes before the tayga probe's look
        assertThat(tayga.pending).isNotDone();
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        HealthChange down = changes.get(changes.size() - 1);
        assertThat(down.reason()).isEqualTo("at most 1/2 probes can pass (all 2 required) for 2 rounds in a row: "
                + unreachable().summary() + "; tayga: TUN nat64 is administratively down (its last result; still"
                + " running) (counted as soon as the round could no longer pass)");
        assertThat(down.results()).extracting(ProbeResult::summary).containsExactly(unreachable().summary(),
                "tayga: TUN nat64 is administratively down");
        tayga.pending.complete(ProbeResult.pass("tayga", "fine"));
        assertThat(changes).hasSize(2);
        assertThat(h.status().lastResults()).extracting(ProbeResult::summary).containsExactly(
                unreachable().summary(), "tayga: fine");
    }

    @Test
    void aDatapathProbeThatFailedOnlyByTimeoutsDoesNotDecideARoundButAnIcmpErrorDoes() {
        Held icmp = new Held("icmp");
        Held tayga = new Held("tayga");
        Held nat = new Held("native", true);
        InstanceHealth h = health(1, 1, 0, icmp, tayga, nat);
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        icmp.answer = timedOut(); // could still be excused at the round's end (busy, upstream...)
        nat.answer = ProbeResult.fail("native", "0/2 targets answered natively"); // evidence only: never counts
        tayga.answer = null;
        clock.advance(INTERVAL);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.status().failsInARow()).isZero();
        tayga.pending.complete(ProbeResult.pass("tayga", "fine"));
        assertThat(h.state()).as("counted at its end: no rule excused the timeouts").isEqualTo(HealthState.DOWN);
        assertThat(changes.get(changes.size() - 1).reason()).startsWith("1/2 probes passed (all 2 required)");
        // The path answers "unreachable": nothing excuses that, the round is decided at once.
        icmp.answer = answered();
        tayga.answer = ProbeResult.pass("tayga", "fine");
        clock.advance(INTERVAL);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        icmp.answer = unreachable();
        tayga.answer = null;
        clock.advance(INTERVAL);
        assertThat(tayga.pending).isNotDone();
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes.get(changes.size() - 1).reason()).contains("icmp: 0/2 targets answered: 192.0.2.1 ICMPv6");
    }

    @Test
    void aCutProbeDoesNotDecideARound() {
        Held jool = new Held("jool");
        Held icmp = new Held("icmp");
        InstanceHealth h = health(1, 1, 0, jool, icmp);
        clock.runDue();
        jool.answer = null; // never answers: cut at 550 ms, late and excused
        icmp.answer = null;
        clock.advance(INTERVAL);
        clock.advance(TIMEOUT.plusMillis(50));
        assertThat(jool.pending).as("cut by the runner, the probe itself still silent").isNotDone();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.status().failsInARow()).isZero();
        icmp.pending.complete(answered());
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.status().lastResults().get(0).reason()).contains("late, not counted");
        // The positive case on the same instance: a real failure decides the round at once.
        jool.answer = ProbeResult.fail("jool", "instance default is not running");
        clock.advance(INTERVAL.minus(TIMEOUT.plusMillis(50))); // round 3 at 2 s, before its datapath probe's cut
        assertThat(icmp.pending).isNotDone();
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
    }

    @Test
    void kOfNDecidesOnlyOnceTooFewProbesAreLeftToPass() {
        Held a = new Held("a");
        Held b = new Held("b");
        Held c = new Held("c");
        InstanceHealth h = health(1, 1, 2, a, b, c);
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        // One certain failure of 2 of 3: the other two can still make the round pass.
        a.answer = ProbeResult.fail("a", "broken");
        b.answer = null;
        c.answer = null;
        clock.advance(INTERVAL);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(h.status().failsInARow()).isZero();
        b.pending.complete(ProbeResult.pass("b", "fine"));
        c.pending.complete(ProbeResult.pass("c", "fine"));
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(changes).hasSize(1);
        // Two certain failures: the last probe cannot make it pass.
        clock.advance(INTERVAL);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        b.pending.complete(ProbeResult.fail("b", "broken"));
        assertThat(c.pending).isNotDone();
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes.get(1).reason()).isEqualTo("at most 1/3 probes can pass (2 of 3 required) for 1 rounds in a"
                + " row: a: broken; b: broken (counted as soon as the round could no longer pass)");
        c.pending.complete(ProbeResult.pass("c", "fine"));
        assertThat(changes).hasSize(2);
    }

    @Test
    void aRoundDecidedEarlyIsCountedOnceAndItsEndDoesAllTheBookkeeping() {
        Held tayga = new Held("tayga");
        Held icmp = new Held("icmp");
        InstanceHealth h = health(1, 3, 0, tayga, icmp);
        clock.runDue();
        tayga.answer = frozen();
        icmp.answer = null;
        clock.advance(INTERVAL);
        assertThat(h.status().failsInARow()).as("counted when decided").isEqualTo(1);
        assertThat(h.status().rounds()).as("a round counts as run when it ends").isEqualTo(1);
        assertThat(h.status().lastResults().get(0).reason()).isEqualTo(STALL);
        clock.advance(Duration.ofMillis(100));
        icmp.pending.complete(timedOut());
        assertThat(h.status().failsInARow()).as("not again at its end").isEqualTo(1);
        assertThat(h.status().rounds()).isEqualTo(2);
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(1)).extracting(ProbeResult::probe).containsExactly("tayga", "icmp");
        assertThat(h.status().lastResults().get(1).reason()).startsWith("2/2 targets timed out");
        // A change is pending: the next round at the fast interval after the last start.
        clock.advance(FAST.minusMillis(100).minusNanos(1));
        assertThat(tayga.runs).isEqualTo(2);
        clock.advance(Duration.ofNanos(1));
        assertThat(tayga.runs).isEqualTo(3);
        assertThat(h.status().failsInARow()).isEqualTo(2);
        icmp.pending.complete(timedOut());
        assertThat(h.status().failsInARow()).isEqualTo(2);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(changes).hasSize(1);
    }

    @Test
    void aFaultEventAndAnEarlyVerdictInTheSameRoundAreTwoObservations() {
        Held tayga = new Held("tayga");
        Held icmp = new Held("icmp");
        InstanceHealth h = health(1, 3, 0, tayga, icmp);
        clock.runDue();
        tayga.answer = null;
        icmp.answer = null;
        clock.advance(INTERVAL);
        clock.advance(Duration.ofMillis(1));
        tayga.sink.event(new ProbeEvent("tayga", true, "TAYGA (pid 7) is stopped (seen by a process event)",
                EventMode.COUNT, clock.nanoTime()));
        assertThat(h.status().failsInARow()).isEqualTo(1);
        tayga.pending.complete(frozen()); // the round's own failure, counted now rather than at its end
        assertThat(h.status().failsInARow()).isEqualTo(2);
        icmp.pending.complete(timedOut());
        assertThat(h.status().failsInARow()).as("the round counted once, the event once").isEqualTo(2);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        // The next round decides at its first failure: fall 3.
        tayga.answer = frozen();
        clock.advance(FAST);
        assertThat(icmp.pending).isNotDone();
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        assertThat(h.faultEvents()).isEqualTo(1);
    }

    @Test
    void noEarlyVerdictAfterClose() {
        Held tayga = new Held("tayga");
        Held icmp = new Held("icmp");
        InstanceHealth open = health(1, 1, 0, tayga, icmp);
        Held tayga2 = new Held("tayga");
        Held icmp2 = new Held("icmp");
        InstanceHealth closed = health(1, 1, 0, tayga2, icmp2);
        clock.runDue();
        assertThat(changes).hasSize(2);
        for (Held p : List.of(tayga, icmp, tayga2, icmp2)) {
            p.answer = null;
        }
        clock.advance(INTERVAL);
        closed.close();
        tayga.pending.complete(frozen());
        tayga2.pending.complete(frozen());
        assertThat(open.state()).isEqualTo(HealthState.DOWN);
        assertThat(closed.state()).isEqualTo(HealthState.UP);
        assertThat(closed.status().failsInARow()).isZero();
        icmp2.pending.complete(timedOut());
        assertThat(closed.state()).isEqualTo(HealthState.UP);
        assertThat(changes).hasSize(3);
    }
}
