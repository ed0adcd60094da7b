package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.agent.policy.Verdict;
import dev.xlatsentinel.translator.health.HealthState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A DOWN holds its services' native sessions down on the thread that decided it, ahead of the
 * agent loop (issue 16, decision to wire); the loop then takes the change and records the
 * decision, status and metrics. On the manual clock the test thread is the loop and a change
 * that is not followed by {@code runDue} has not reached it yet.
 */
class DownAheadOfTheLoopTest {
    private final CoreFixture f = new CoreFixture();
    private final List<Verdict> verdicts = new CopyOnWriteArrayList<>();
    private final List<String> heldDown = new CopyOnWriteArrayList<>();

    DownAheadOfTheLoopTest() {
        f.observers.add(new Agent.Observer() {
            @Override
            public void verdict(Verdict v) {
                verdicts.add(v);
            }

            @Override
            public void heldDown(String instance, Duration afterDecision, boolean fromDecidingThread) {
                heldDown.add(instance + (fromDecidingThread ? " here" : " by the BFD loop"));
            }
        });
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** Started with {@code yaml}, every instance UP, the service announced. */
    private TwinResources.TwinSession announced(String yaml) throws ReloadRejected {
        f.reload(yaml);
        f.twin.instances.keySet().forEach(i -> f.health(i, HealthState.UP));
        TwinResources.TwinSession s = f.session("2001:db8:71::a");
        assertThat(s.held).isFalse();
        assertThat(f.core.service("svc").withdrawn).isFalse();
        s.told.clear();
        verdicts.clear();
        return s;
    }

    /** Publishes a change as the deciding thread does, without running the loop. */
    private void decided(String instance, HealthState to) {
        f.twin.instances.get(instance).health(to);
    }

    private String noMinHold() {
        return f.config().replace("minHold: 2s", "minHold: 0s");
    }

    @Test
    void aDownHoldsTheSessionBeforeTheLoopRunsAndTheLoopThenRecordsTheDecision() throws Exception {
        TwinResources.TwinSession s = announced(f.config());
        decided("up", HealthState.DOWN);
        assertThat(s.held).as("held by the deciding thread").isTrue();
        assertThat(s.told).containsExactly("withdraw");
        assertThat(f.core.service("svc").withdrawn).as("the loop has not taken it yet").isFalse();
        assertThat(verdicts).isEmpty();
        // Metrics hear how long it took, and that it left from the deciding thread (the twin sends at once).
        assertThat(heldDown).containsExactly("up here");

        f.clock.runDue();
        assertThat(f.core.service("svc").withdrawn).isTrue();
        assertThat(f.core.service("svc").reason).startsWith("instance up DOWN");
        assertThat(verdicts).extracting(Verdict::withdraw).containsExactly(true);
        assertThat(f.core.lies()).isEmpty();
        assertThat(s.held).isTrue();
    }

    @Test
    void aDownThenAnUpTakenTogetherStillWithdrawAndReleaseAfterTheMinimumHold() throws Exception {
        TwinResources.TwinSession s = announced(f.config());
        decided("up", HealthState.DOWN);
        decided("up", HealthState.UP);
        assertThat(s.told).containsExactly("withdraw");
        f.clock.runDue();
        assertThat(s.held).as("the minimum hold counts from the DOWN").isTrue();
        assertThat(f.core.service("svc").withdrawn).isTrue();
        assertThat(f.core.lies()).isEmpty();
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(s.held).isFalse();
        assertThat(s.told).as("held ahead first, released once, last").startsWith("withdraw").endsWith("release");
        assertThat(s.told.indexOf("release")).isEqualTo(s.told.size() - 1);
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void withoutAMinimumHoldADownThenAnUpReachTheSessionInThatOrder() throws Exception {
        TwinResources.TwinSession s = announced(noMinHold());
        decided("up", HealthState.DOWN);
        decided("up", HealthState.UP);
        f.clock.runDue();
        assertThat(s.told).as("held ahead, held again by the loop, then released").containsExactly("withdraw",
                "withdraw", "release");
        assertThat(s.held).isFalse();
        assertThat(verdicts).extracting(Verdict::withdraw).containsExactly(true, false);
        assertThat(f.core.service("svc").withdrawn).isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void anUpThenADownOfAWithdrawnServiceAreLeftToTheLoopInOrder() throws Exception {
        TwinResources.TwinSession s = announced(noMinHold());
        f.health("up", HealthState.DOWN);
        s.told.clear();
        decided("up", HealthState.UP);
        decided("up", HealthState.DOWN);
        assertThat(s.told).as("withdrawn already: nothing goes ahead").isEmpty();
        f.clock.runDue();
        assertThat(s.told).containsExactly("release", "withdraw");
        assertThat(s.held).isTrue();
        assertThat(f.core.lies()).isEmpty();
    }

    /**
     * The loop withdraws and releases for one instance while another instance's DOWN arrives
     * on another thread: that hold-down waits for the loop to let go and lands after the
     * release, never between (a release after it would bring the route back for a broken
     * translator until the loop took the DOWN).
     */
    @Test
    void aHoldDownOnAnotherThreadNeverLandsBetweenTheLoopsWithdrawAndRelease() throws Exception {
        String two = noMinHold().replace("instances:\n", "instances:\n  other:\n    probes:\n"
                + "      - {type: command, name: c, command: [/bin/true]}\n").replace("dependsOn: [up]",
                        "dependsOn: [up, other]");
        TwinResources.TwinSession s = announced(two);
        decided("other", HealthState.DOWN);
        decided("other", HealthState.UP);
        Thread[] deciding = new Thread[1];
        s.onNextWithdraw = () -> {
            // The loop is withdrawing for other's DOWN; up fails now on a probe thread.
            deciding[0] = new Thread(() -> decided("up", HealthState.DOWN), "probe");
            deciding[0].start();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (deciding[0].getState() != Thread.State.BLOCKED && deciding[0].isAlive()
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        };
        f.clock.runDue();
        deciding[0].join(5000);
        assertThat(deciding[0].isAlive()).isFalse();
        // (The loop may already have taken up's DOWN too: one more withdraw.)
        assertThat(s.told.subList(0, 4)).as("other: ahead, loop's withdraw, loop's release; then up's hold-down")
                .containsExactly("withdraw", "withdraw", "release", "withdraw");
        assertThat(s.told.subList(4, s.told.size())).allMatch("withdraw"::equals);
        assertThat(s.held).isTrue();
        f.clock.runDue();
        assertThat(f.core.service("svc").withdrawn).isTrue();
        assertThat(f.core.service("svc").reason).startsWith("instance up DOWN");
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void statusTakenBeforeTheLoopRanShowsTheHoldDownThatWentAhead() throws Exception {
        TwinResources.TwinSession s = announced(f.config());
        decided("up", HealthState.DOWN);
        AgentSnapshot snap = f.core.snapshot(List.of());
        assertThat(snap.services()).singleElement().satisfies(svc -> {
            assertThat(svc.withdrawn()).isTrue();
            assertThat(svc.reason()).startsWith("instance up DOWN");
        });
        assertThat(s.held).isTrue();
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void aDownOfAnInstanceAReloadReplacedHoldsNothing() throws Exception {
        TwinResources.TwinSession s = announced(f.config());
        TwinResources.TwinInstance old = f.twin.instances.get("up");
        f.reload(f.config().replace("rise: 1", "rise: 2"));
        f.health("up", HealthState.UP);
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(s.held).isFalse();
        s.told.clear();
        old.health(HealthState.DOWN);
        assertThat(s.told).as("the old probes' DOWN").isEmpty();
        f.clock.runDue();
        assertThat(s.held).isFalse();
        assertThat(f.core.service("svc").withdrawn).isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void aDownWhileStoppingHoldsNothingMoreAndChangesNothing() throws Exception {
        TwinResources.TwinSession s = announced(f.config());
        f.core.stop();
        s.told.clear();
        decided("up", HealthState.DOWN);
        assertThat(s.told).isEmpty();
        f.clock.runDue();
        assertThat(s.held).isTrue();
        assertThat(f.core.service("svc").reason).isEqualTo("agent stopping");
    }
}
