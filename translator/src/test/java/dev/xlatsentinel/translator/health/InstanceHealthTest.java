package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rise/fall, STARTING hold-down, the fast interval and combination, on a hand-driven clock. */
class InstanceHealthTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration FAST = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private ManualClock clock;
    private final List<HealthChange> changes = new ArrayList<>();

    /** A probe whose outcome the test sets; it answers at once, or never (hang), or throws. */
    static final class Scripted implements Probe {
        final String name;
        volatile boolean pass = true;
        volatile boolean hang;
        volatile boolean explode;
        int runs;

        Scripted(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletableFuture<ProbeResult> run(Duration timeout) {
            runs++;
            if (explode) {
                throw new IllegalStateException("boom");
            }
            if (hang) {
                return new CompletableFuture<>();
            }
            return CompletableFuture.completedFuture(pass ? ProbeResult.pass(name, "fine")
                    : ProbeResult.fail(name, "broken"));
        }
    }

    @BeforeEach
    void clock() {
        clock = new ManualClock(T0);
    }

    private InstanceHealth health(int rise, int fall, int required, Probe... probes) {
        InstanceHealth h = new InstanceHealth("lower", new HealthPolicy(rise, fall, INTERVAL, FAST, TIMEOUT, required),
                List.of(probes), clock);
        h.addListener(changes::add);
        h.start();
        return h;
    }

    @Test
    void startsHeldDownAndGoesUpAfterRisePassesAtTheFastInterval() {
        Scripted p = new Scripted("icmp");
        InstanceHealth h = health(3, 2, 0, p);
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.STARTING);
        clock.advance(FAST); // second round: still pending, so the fast interval
        assertThat(h.state()).isEqualTo(HealthState.STARTING);
        assertThat(p.runs).isEqualTo(2);
        clock.advance(FAST);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.from()).isEqualTo(HealthState.STARTING);
            assertThat(c.to()).isEqualTo(HealthState.UP);
            assertThat(c.at()).isEqualTo(T0.plus(FAST.multipliedBy(2)));
            assertThat(c.reason()).isEqualTo("1/1 probes passed (all 1 required) for 3 rounds in a row");
        });
        // Up and nothing pending: back to the normal interval.
        clock.advance(FAST);
        assertThat(p.runs).isEqualTo(3);
        clock.advance(INTERVAL.minus(FAST));
        assertThat(p.runs).isEqualTo(4);
    }

    @Test
    void upGoesDownAfterFallFailuresInARowWithTheProbesReasons() {
        Scripted ok = new Scripted("tayga");
        Scripted icmp = new Scripted("icmp");
        InstanceHealth h = health(1, 3, 0, ok, icmp);
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        icmp.pass = false;
        clock.advance(INTERVAL); // fail 1: a change is pending now
        clock.advance(FAST); // fail 2
        assertThat(h.state()).isEqualTo(HealthState.UP);
        icmp.pass = true;
        clock.advance(FAST); // a pass resets the streak
        icmp.pass = false;
        clock.advance(INTERVAL);
        clock.advance(FAST);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        clock.advance(FAST);
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        HealthChange down = changes.get(changes.size() - 1);
        assertThat(down.from()).isEqualTo(HealthState.UP);
        assertThat(down.reason()).isEqualTo("1/2 probes passed (all 2 required) for 3 rounds in a row: icmp: broken");
        assertThat(down.results()).extracting(ProbeResult::probe).containsExactly("tayga", "icmp");
        assertThat(down.at()).isEqualTo(T0.plus(INTERVAL.multipliedBy(2)).plus(FAST.multipliedBy(4)));
    }

    @Test
    void downComesBackAfterRisePassesAndStartingCanGoStraightDown() {
        Scripted p = new Scripted("icmp");
        p.pass = false;
        InstanceHealth h = health(2, 2, 0, p);
        clock.runDue();
        clock.advance(FAST);
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes.get(0).from()).isEqualTo(HealthState.STARTING);
        p.pass = true;
        clock.advance(INTERVAL);
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        clock.advance(FAST);
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(changes).extracting(HealthChange::to).containsExactly(HealthState.DOWN, HealthState.UP);
    }

    @Test
    void kOfNProbesDecideARound() {
        Scripted a = new Scripted("a");
        Scripted b = new Scripted("b");
        Scripted c = new Scripted("c");
        InstanceHealth h = health(1, 1, 2, a, b, c);
        c.pass = false;
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        b.pass = false;
        clock.advance(INTERVAL);
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes.get(1).reason()).isEqualTo(
                "1/3 probes passed (2 of 3 required) for 1 rounds in a row: b: broken; c: broken");
    }

    @Test
    void aHungProbeIsNotCountedWhileLateButFailsOnceItGaveNoRealResultForTheHungLimit() {
        Scripted hung = new Scripted("jool");
        Scripted thrower = new Scripted("cmd");
        InstanceHealth h = health(1, 1, 0, hung, thrower);
        clock.runDue();
        assertThat(h.state()).isEqualTo(HealthState.UP);
        hung.hang = true;
        clock.advance(INTERVAL);
        assertThat(h.state()).as("round still waiting for the hung probe").isEqualTo(HealthState.UP);
        clock.advance(TIMEOUT.plusMillis(50)); // cut after timeout + grace (50 ms for 500 ms)
        assertThat(h.state()).as("late by the agent's own lateness: not counted").isEqualTo(HealthState.UP);
        assertThat(h.status().lastResults().get(0).reason()).startsWith(
                "no result within 500ms (probe hung; cut): late, not counted (no real result for 1.55s");
        assertThat(h.status().lateProbes()).isEqualTo(1);
        // hungLimit: max(1 s, (fall + 1) x interval) = 2 s; the next cut is 2.55 s after the last real result.
        clock.advance(INTERVAL);
        assertThat(h.state()).isEqualTo(HealthState.DOWN);
        assertThat(changes.get(1).reason()).endsWith(
                "jool: no result within 500ms (probe hung; cut): no real result for 2.55s");
        hung.hang = false;
        thrower.explode = true;
        clock.advance(INTERVAL);
        assertThat(h.status().lastResults()).extracting(ProbeResult::reason)
                .containsExactly("fine", "probe error: boom");
    }

    @Test
    void aFailingListenerDoesNotStopTheOthersAndCloseStopsRounds() {
        Scripted p = new Scripted("icmp");
        InstanceHealth h = new InstanceHealth("lower", new HealthPolicy(1, 1, INTERVAL, FAST, TIMEOUT, 0), List.of(p),
                clock);
        h.addListener(c -> {
            throw new IllegalStateException("listener bug");
        });
        h.addListener(changes::add);
        h.start();
        clock.runDue();
        assertThat(changes).hasSize(1);
        h.close();
        int runs = p.runs;
        clock.advance(INTERVAL.multipliedBy(5));
        assertThat(p.runs).isEqualTo(runs);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void aSlowRoundDelaysTheNextButRoundsNeverOverlapAndItsLatenessIsMeasured() {
        Scripted p = new Scripted("jool");
        InstanceHealth h = health(1, 1, 0, p);
        clock.runDue();
        p.hang = true;
        clock.advance(INTERVAL); // round 2 starts, hangs until cut at 550 ms
        clock.advance(FAST);
        assertThat(p.runs).as("no new round while one runs").isEqualTo(2);
        p.hang = false;
        clock.advance(Duration.ofMillis(350)); // cut at 550 ms: late, not counted; next round 1 s after start
        assertThat(h.state()).isEqualTo(HealthState.UP);
        assertThat(p.runs).isEqualTo(2);
        clock.advance(INTERVAL.minus(Duration.ofMillis(550)));
        assertThat(p.runs).isEqualTo(3);
        assertThat(h.status().rounds()).isEqualTo(3);
        assertThat(h.status().maxLateness()).isZero();
    }
}
