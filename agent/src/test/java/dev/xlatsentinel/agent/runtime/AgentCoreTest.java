package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.translator.health.HealthState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The agent's core on a manual clock: reload as a transaction (plan, prepare, commit or
 * abort, retire), the status invariant after every step, hold-down waits and the stop grace.
 * The test thread is the agent loop; time moves only by {@code clock.advance}.
 */
class AgentCoreTest {
    private final CoreFixture f = new CoreFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /** Started with the fixture's config, the instance UP, the service announced. */
    private TwinResources.TwinSession announced() throws ReloadRejected {
        f.reload(f.config());
        f.health("up", HealthState.UP);
        TwinResources.TwinSession s = f.session("2001:db8:71::a");
        assertThat(s.held).as("released once the instance is UP").isFalse();
        assertThat(f.core.service("svc").withdrawn).isFalse();
        assertThat(f.core.lies()).isEmpty();
        return s;
    }

    /** The old session still controls the route: health off holds it down, health on releases it. */
    private void stillControls(TwinResources.TwinSession s) {
        f.health("up", HealthState.DOWN);
        assertThat(s.held).as("held down when the instance fails").isTrue();
        assertThat(f.core.service("svc").withdrawn).isTrue();
        assertThat(f.core.lies()).isEmpty();
        f.health("up", HealthState.UP);
        assertThat(s.held).as("still held during the minimum hold").isTrue();
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(s.held).as("released after the minimum hold").isFalse();
        assertThat(f.core.service("svc").withdrawn).isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void startCommitsEverythingWithdrawnAndTheFirstRiseReleases() throws Exception {
        List<FollowUp> follow = f.reload(f.config());
        assertThat(follow).isEmpty();
        TwinResources.TwinSession s = f.session("2001:db8:71::a");
        assertThat(s.held).as("a new gateway never attracts traffic unproven").isTrue();
        assertThat(f.core.service("svc").withdrawn).isTrue();
        assertThat(f.twin.instances.get("up").started).isTrue();
        assertThat(f.core.lies()).isEmpty();
        f.health("up", HealthState.UP);
        assertThat(s.held).isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void aMissingNamespaceIsRejectedBeforeAnythingChangesAndTheOldSessionStillControlsTheRoute() throws Exception {
        TwinResources.TwinSession s = announced();
        var running = f.core.config();
        assertThatThrownBy(() -> f.reload(f.config("2001:db8:71::a", "nosuch", null)))
                .isInstanceOf(ReloadRejected.class)
                .hasMessage("cannot prepare namespace nosuch (BFD engine): network namespace nosuch does not exist"
                        + " (no /run/netns/nosuch)");
        assertThat(f.core.config()).isSameAs(running);
        assertThat(f.twin.live().values()).containsExactly(s);
        assertThat(s.removing || s.replaced).isFalse();
        assertThat(s.held).isFalse();
        assertThat(f.twin.openSockets).containsExactly(s.config.key());
        assertThat(f.twin.engines).containsExactly("gw");
        stillControls(s);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2001:db8:71::a|interface: eth9|iface: no interface 'eth9' in the namespace",
        "2001:db8:71::99||local: cannot send from 2001:db8:71::99: Cannot assign requested address"})
    void aSessionThatCannotOpenIsRejectedAndTheOldOneStays(String local, String extra, String cause)
            throws Exception {
        TwinResources.TwinSession s = announced();
        String yaml = f.config(local, "gw", null);
        if (extra != null) {
            yaml = yaml.replace("interface: eth0", extra);
        }
        String next = yaml;
        assertThatThrownBy(() -> f.reload(next)).isInstanceOf(ReloadRejected.class)
                .hasMessageStartingWith("cannot prepare bfd 2001:db8:71::1 from " + local)
                .hasMessageEndingWith(" in namespace gw: " + cause);
        assertThat(f.twin.live().values()).containsExactly(s);
        assertThat(f.twin.openSockets).containsExactly(s.config.key());
        stillControls(s);
    }

    @Test
    void aFaultMidwayGivesBackEverythingPreparedBeforeIt() throws Exception {
        TwinResources.TwinSession s = announced();
        // A new instance, a second session (new key) and the first recreated (dscp): three
        // pieces prepared, then a fault on the last one.
        String next = f.config("2001:db8:71::a", "gw", "dscp: 46").replace("instances:\n",
                "instances:\n  other:\n    probes:\n      - {type: command, name: c, command: [/bin/true]}\n")
                + "  svc2:\n    dependsOn: [other]\n    bfd:\n      - {peer: 2001:db8:71::1, local: 2001:db8:71::b,"
                + " interface: eth0, namespace: gw}\n";
        ReloadTransaction tx = new ReloadTransaction("from 2001:db8:71::b");
        assertThatThrownBy(() -> f.reload(f.load(next), tx)).isInstanceOf(ReloadRejected.class)
                .hasMessage("cannot prepare bfd 2001:db8:71::1 from 2001:db8:71::b dev eth0 single-hop in namespace gw:"
                        + " injected fault (xlat-sentinel.test.prepare-fault=from 2001:db8:71::b, a test hook)");
        assertThat(f.twin.allInstances).extracting(i -> i.name + (i.closed ? " closed" : " open")
                + (i.started ? " started" : "")).containsExactly("up open started", "other closed");
        assertThat(f.twin.openSockets).as("the recreated and the new session's sockets given back")
                .containsExactly(s.config.key());
        assertThat(tx.held()).isZero();
        assertThat(f.twin.live().values()).containsExactly(s);
        assertThat(f.core.service("svc2")).isNull();
        stillControls(s);
    }

    @Test
    void anUnexpectedExceptionInPrepareIsRejectedLikeAnyOther() throws Exception {
        TwinResources.TwinSession s = announced();
        f.twin.failPrepare = what -> what.startsWith("instance") ? "boom" : null;
        String next = f.config().replace("rise: 1", "rise: 2");
        assertThatThrownBy(() -> f.reload(next)).isInstanceOf(ReloadRejected.class)
                .hasMessage("cannot prepare instance up (probes): boom");
        assertThat(f.core.instance("up")).isSameAs(f.twin.allInstances.get(0));
        stillControls(s);
    }

    @Test
    void aRecreatedSessionTakesThePlaceOfTheOldInOneStepWithoutWaiting() throws Exception {
        TwinResources.TwinSession old = announced();
        List<FollowUp> follow = f.reload(f.config("2001:db8:71::a", "gw", "dscp: 46"));
        TwinResources.TwinSession now = f.session("2001:db8:71::a");
        assertThat(now).isNotSameAs(old);
        assertThat(now.config.dscp()).isEqualTo(46);
        assertThat(old.replaced).as("dropped in the commit's step").isTrue();
        assertThat(old.removing).as("no AdminDown: the new session speaks from now on").isFalse();
        assertThat(follow).as("nothing to wait for").isEmpty();
        assertThat(now.held).as("the service is still announced: no hold on the new session").isFalse();
        assertThat(f.core.lies()).isEmpty();
        stillControls(now);
        // Recreated while withdrawn: held from its first packet.
        f.health("up", HealthState.DOWN);
        f.reload(f.config("2001:db8:71::a", "gw", "dscp: 40"));
        assertThat(f.session("2001:db8:71::a").held).isTrue();
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void aNamespaceMoveIsARecreationIntoTheOtherNamespace() throws Exception {
        TwinResources.TwinSession old = announced();
        f.twin.namespaces.add("gw2");
        f.twin.interfaces.add("gw2/eth0");
        f.twin.locals.add("gw2/2001:db8:71::a");
        f.reload(f.config("2001:db8:71::a", "gw2", null));
        TwinResources.TwinSession now = f.session("2001:db8:71::a");
        assertThat(now.namespace).isEqualTo("gw2");
        assertThat(old.replaced).isTrue();
        assertThat(f.twin.engines).contains("gw2");
        stillControls(now);
    }

    /**
     * The same peer and local address on another interface: while both sessions exist their
     * packets could not be told apart, so the new one takes the old one's place in the commit's
     * step (no AdminDown, nothing left to wait for) instead of being refused as a clash.
     */
    @Test
    void anInterfaceMoveTakesTheOldSessionsPlaceInOneStep() throws Exception {
        TwinResources.TwinSession old = announced();
        f.twin.interfaces.add("gw/eth1");
        List<FollowUp> follow = f.reload(f.config().replace("interface: eth0", "interface: eth1"));
        TwinResources.TwinSession now = f.session("2001:db8:71::a");
        assertThat(now.config.iface()).isEqualTo("eth1");
        assertThat(old.replaced).as("dropped in the commit's step").isTrue();
        assertThat(old.removing).as("no AdminDown").isFalse();
        assertThat(f.twin.live().values()).containsExactly(now);
        assertThat(f.twin.openSockets).containsExactly(now.config.key());
        assertThat(follow).extracting(FollowUp::toString).containsExactly("bfd 2001:db8:71::1 from 2001:db8:71::a"
                + " dev eth0 single-hop: removed: replaced by the one on eth1, no AdminDown done");
        assertThat(now.held).as("the service is still announced").isFalse();
        assertThat(f.core.lies()).isEmpty();
        stillControls(now);
    }

    @Test
    void timersAndKeysOfTheSameTypeAreAppliedToTheRunningSession() throws Exception {
        TwinResources.TwinSession s = announced();
        List<FollowUp> follow = f.reload(f.config().replace("minTx: 100ms", "minTx: 50ms"));
        assertThat(f.session("2001:db8:71::a")).isSameAs(s);
        assertThat(s.updates).hasSize(1);
        assertThat(s.updates.get(0).desiredMinTxMicros()).isEqualTo(50_000);
        assertThat(follow).extracting(FollowUp::toString)
                .containsExactly("bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0 single-hop: applied live done");
        assertThat(s.held).isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void removingManySessionsWithLargeMultipliersNeverBlocksTheLoop() throws Exception {
        StringBuilder many = new StringBuilder(f.config());
        for (int i = 1; i <= 300; i++) {
            String local = "2001:db8:72::" + Integer.toHexString(i);
            f.twin.locals.add("gw/" + local);
            many.append("      - {peer: 2001:db8:72::ffff, local: ").append(local)
                    .append(", interface: eth0, namespace: gw, minTx: 60s, multiplier: 255}\n");
        }
        f.reload(many.toString());
        f.health("up", HealthState.UP);
        assertThat(f.twin.live()).hasSize(301);
        // Every session but one removed: each says AdminDown for its peer's detection time
        // (255 x 60 s here), and the commit returns without waiting for any of them.
        f.twin.adminDownFor = Duration.ofSeconds(255 * 60);
        long before = f.clock.nanoTime();
        List<FollowUp> follow = f.reload(f.config());
        assertThat(f.clock.nanoTime()).isEqualTo(before);
        assertThat(follow).hasSize(300).allMatch(x -> x.state() == FollowUp.State.IN_PROGRESS);
        assertThat(follow.get(0).doing()).contains("AdminDown to the peer for one detection time");
        // The loop goes on deciding meanwhile.
        stillControls(f.session("2001:db8:71::a"));
        f.clock.advance(Duration.ofSeconds(255 * 60));
        assertThat(follow).allMatch(x -> x.state() == FollowUp.State.DONE);
        assertThat(f.twin.openSockets).hasSize(1);
    }

    @Test
    void aRemovalThatFailsAfterTheCommitIsShownNotSwallowed() throws Exception {
        announced();
        f.twin.removalFailure = "the BFD engine is closed";
        List<FollowUp> follow = f.reload(f.config("2001:db8:71::b", "gw", null));
        assertThat(follow).hasSize(1);
        assertThat(follow.get(0).state()).isEqualTo(FollowUp.State.IN_PROGRESS);
        f.clock.advance(f.twin.adminDownFor);
        assertThat(follow.get(0).state()).isEqualTo(FollowUp.State.FAILED);
        assertThat(follow.get(0).toString()).isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0 single-hop:"
                + " removed: AdminDown to the peer for one detection time, then its socket closes FAILED:"
                + " the BFD engine is closed");
        assertThat(f.session("2001:db8:71::b").held).isFalse();
    }

    @Test
    void healthEventsOfAnInstanceAReloadReplacedAreIgnored() throws Exception {
        announced();
        TwinResources.TwinInstance old = f.twin.instances.get("up");
        List<FollowUp> follow = f.reload(f.config().replace("rise: 1", "rise: 2"));
        TwinResources.TwinInstance rebuilt = f.twin.instances.get("up");
        assertThat(rebuilt).isNotSameAs(old);
        // Its probes stop off the loop (a probe in flight may take a moment).
        assertThat(follow).extracting(x -> x.what() + ": " + x.doing())
                .containsExactly("instance up (old probes): probes stopped");
        assertThat(f.core.service("svc").withdrawn).as("UP stands until the rebuilt probes decide").isFalse();
        rebuilt.health(HealthState.UP);
        f.clock.runDue();
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(f.core.service("svc").withdrawn).isFalse();
        old.health(HealthState.DOWN);
        f.clock.runDue();
        assertThat(f.core.service("svc").withdrawn).as("the old probes' verdict counts no more").isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    /**
     * A reload that changes only how an instance is probed (rise here) rebuilds its probes,
     * which start again at STARTING; the gateway that works stays announced meanwhile (it used
     * to be held Down until the new probes passed rise: a withdrawal by reload). The rebuilt
     * probes still decide: a failure takes it down as any failure does.
     */
    @Test
    void aReloadThatChangesOnlyTheHealthPolicyNeverWithdrawsAWorkingGateway() throws Exception {
        TwinResources.TwinSession s = announced();
        List<String> verdicts = new java.util.ArrayList<>();
        f.observers.add(new Agent.Observer() {
            @Override
            public void verdict(dev.xlatsentinel.agent.policy.Verdict v) {
                verdicts.add(v.service() + (v.withdraw() ? " withdrawn: " : " announced: ") + v.reason());
            }
        });
        f.reload(f.config().replace("rise: 1, fall: 1", "rise: 3, fall: 1"));
        TwinResources.TwinInstance rebuilt = f.twin.instances.get("up");
        assertThat(rebuilt.state).isEqualTo(HealthState.STARTING);
        assertThat(s.held).as("the working gateway is not withdrawn by the reload").isFalse();
        // The one-line status (the reload's reply, STATUS=) says what the agent acts on.
        assertThat(f.core.summary()).hasToString("1/1 instances UP, 1/1 services announced");
        assertThat(f.core.service("svc").withdrawn).isFalse();
        assertThat(verdicts).isEmpty();
        assertThat(f.core.lies()).isEmpty();
        rebuilt.health(HealthState.DOWN);
        f.clock.runDue();
        assertThat(s.held).as("the rebuilt probes' failure withdraws it").isTrue();
        assertThat(verdicts).singleElement().asString().startsWith("svc withdrawn: instance up DOWN");
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void aDownInstanceRebuiltByAReloadStaysWithdrawnUntilItsNewProbesPass() throws Exception {
        TwinResources.TwinSession s = announced();
        f.health("up", HealthState.DOWN);
        f.clock.advance(Duration.ofSeconds(3));
        f.reload(f.config().replace("rise: 1, fall: 1", "rise: 2, fall: 1"));
        assertThat(s.held).isTrue();
        assertThat(f.core.service("svc").reason).startsWith("instance up DOWN (DOWN before the reload");
        assertThat(f.core.summary()).hasToString("0/1 instances UP, 0/1 services announced");
        f.twin.instances.get("up").health(HealthState.UP);
        f.clock.runDue();
        assertThat(s.held).isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    /**
     * The translator's namespace deleted and created again: the probes still watch the old one
     * and the instance is DOWN; the log says "reload it". A reload of the same file rebuilds
     * the instance (it used to say "no change" and leave the gateway withdrawn until a restart).
     */
    @Test
    void aReloadRebuildsAnInstanceWhoseNamespaceWasCreatedAgain() throws Exception {
        TwinResources.TwinSession s = announced();
        TwinResources.TwinInstance old = f.twin.instances.get("up");
        f.health("up", HealthState.DOWN);
        old.stale = "network namespace gw was created again";
        f.clock.advance(Duration.ofSeconds(3));
        List<FollowUp> follow = f.reload(f.config());
        TwinResources.TwinInstance rebuilt = f.twin.instances.get("up");
        assertThat(rebuilt).isNotSameAs(old);
        // Its probes stop off the loop.
        assertThat(follow).extracting(x -> x.what() + ": " + x.doing())
                .containsExactly("instance up (old probes): probes stopped");
        assertThat(s.held).isTrue();
        rebuilt.health(HealthState.UP);
        f.clock.runDue();
        assertThat(s.held).as("the rebuilt probes see the namespace that is there now").isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    /** "undrain" says so when another drain still withdraws the services, instead of a bare "undrained". */
    @Test
    void anUndrainSaysWhatStillDrainsTheInstance() throws Exception {
        TwinResources.TwinSession s = announced();
        f.core.drain(null, "kernel upgrade", "root:root");
        f.core.drain("up", "swap the NIC", "root:root");
        assertThat(f.core.undrain("up", "root:root"))
                .isEqualTo("; still drained: every instance is (kernel upgrade): undrain --all ends that");
        assertThat(s.held).isTrue();
        java.nio.file.Files.createFile(f.dir.resolve("maintenance"));
        f.core.checkMaintenance();
        assertThat(f.core.undrain(null, "root:root")).isEqualTo("; still drained: maintenance file "
                + f.dir.resolve("maintenance") + " exists: remove it to end that");
        assertThat(s.held).isTrue();
        java.nio.file.Files.delete(f.dir.resolve("maintenance"));
        f.core.checkMaintenance();
        assertThat(s.held).isFalse();
        f.core.drain("up", "swap the NIC", "root:root");
        assertThat(f.core.undrain("up", "root:root")).isEmpty();
        assertThat(f.core.lies()).isEmpty();
    }

    /**
     * Observers (metrics: xlat_service_transitions_total) hear of a withdrawal once: the
     * reason changing while withdrawn (min-hold) is not another one (it was counted twice).
     */
    @Test
    void aWithdrawalIsOneTransitionWhateverItsReasonsMeanwhile() throws Exception {
        List<String> transitions = new java.util.ArrayList<>();
        f.observers.add(new Agent.Observer() {
            @Override
            public void transition(dev.xlatsentinel.agent.policy.Verdict v) {
                transitions.add(v.withdraw() ? "withdraw" : "release");
            }
        });
        announced();
        f.health("up", HealthState.DOWN);
        f.clock.advance(Duration.ofMillis(500));
        f.health("up", HealthState.UP);
        assertThat(f.core.service("svc").reason).startsWith("min-hold");
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(f.core.service("svc").withdrawn).isFalse();
        assertThat(transitions).containsExactly("release", "withdraw", "release");
    }

    /**
     * A reload naming another maintenance file: it counts at once, and the reason names the
     * file that now drains (it kept naming the old one while both existed, and took a poll).
     */
    @Test
    void aReloadThatNamesAnotherMaintenanceFileAppliesItAtOnceAndNamesIt() throws Exception {
        TwinResources.TwinSession s = announced();
        java.nio.file.Path other = java.nio.file.Files.createFile(f.dir.resolve("other-maintenance"));
        java.nio.file.Path usual = f.dir.resolve("maintenance");
        f.reload(f.config().replace(usual.toString(), other.toString()));
        assertThat(s.held).as("drained by the file the reload named").isTrue();
        assertThat(f.core.service("svc").reason).isEqualTo("maintenance file " + other + " exists");
        java.nio.file.Files.createFile(usual);
        f.clock.advance(AgentCore.MAINTENANCE_POLL);
        f.reload(f.config());
        assertThat(f.core.service("svc").reason).as("both exist: the reason names the one watched now")
                .isEqualTo("maintenance file " + usual + " exists");
        java.nio.file.Files.delete(usual);
        f.clock.advance(AgentCore.MAINTENANCE_POLL);
        assertThat(s.held).as("the file watched now is gone: the other one no longer counts").isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void theMinimumHoldKeepsAServiceWithdrawnOnTheManualClock() throws Exception {
        TwinResources.TwinSession s = announced();
        f.health("up", HealthState.DOWN);
        f.clock.advance(Duration.ofMillis(500));
        f.health("up", HealthState.UP);
        f.clock.advance(Duration.ofMillis(1499));
        assertThat(s.held).as("1.999 s after the withdrawal").isTrue();
        f.clock.advance(Duration.ofMillis(1));
        assertThat(s.held).as("2 s after").isFalse();
        assertThat(f.core.lies()).isEmpty();
    }

    @Test
    void stopWaitsForEveryPeerToSeeTheWithdrawalAtMostTheGrace() throws Exception {
        TwinResources.TwinSession s = announced();
        s.peerSawDown = false;
        CompletableFuture<Void> stopped = f.core.stop();
        assertThat(s.held).isTrue();
        f.clock.advance(Duration.ofMillis(30));
        assertThat(stopped).isNotDone();
        s.peerSawDown = true;
        f.clock.advance(AgentCore.STOP_POLL);
        assertThat(stopped).isDone();
    }

    @Test
    void stopGivesUpAfterTheGraceWhenAPeerNeverConfirms() throws Exception {
        TwinResources.TwinSession s = announced();
        s.peerSawDown = false;
        CompletableFuture<Void> stopped = f.core.stop();
        f.clock.advance(Duration.ofMillis(1995));
        assertThat(stopped).isNotDone();
        f.clock.advance(Duration.ofMillis(5));
        assertThat(stopped).as("agent.shutdownGrace 2s").isDone();
        // SIGHUP during SIGTERM: a rejection with nothing changed (it was logged as a failed commit, "a bug").
        assertThatThrownBy(() -> f.core.plan(f.load(f.config()))).isInstanceOf(ReloadRejected.class)
                .hasMessage("the agent is stopping");
    }

    @Test
    void theInvariantNamesAnActuatorThatDoesNotDoWhatItsServiceShows() throws Exception {
        TwinResources.TwinSession s = announced();
        s.standing = Actuator.Standing.WITHDRAWN;
        assertThat(f.core.lies()).containsExactly("service svc is shown announced but bfd 2001:db8:71::1 from"
                + " 2001:db8:71::a dev eth0 single-hop is withdrawn");
        f.health("up", HealthState.DOWN);
        s.standing = Actuator.Standing.RELEASED;
        assertThat(f.core.lies()).containsExactly("service svc is shown withdrawn but bfd 2001:db8:71::1 from"
                + " 2001:db8:71::a dev eth0 single-hop is released");
    }

    @Test
    void aBrokenInvariantIsLoggedOnceUntilItHoldsAgain() {
        StatusInvariant invariant = new StatusInvariant();
        assertThat(invariant.report(List.of("lie a"))).containsExactly("lie a");
        assertThat(invariant.report(List.of("lie a", "lie b"))).as("a still standing, b new").containsExactly("lie b");
        assertThat(invariant.report(List.of())).isEmpty();
        assertThat(invariant.report(List.of("lie a"))).as("broken again after it held").containsExactly("lie a");
    }

    @Test
    void aSessionMovedToAnotherServiceTakesThatServicesState() throws Exception {
        TwinResources.TwinSession s = announced();
        String moved = f.config("2001:db8:71::b", "gw", null).replace("instances:\n", "instances:\n  other:\n"
                + "    probes:\n      - {type: command, name: c, command: [/bin/true]}\n")
                + "  svc2:\n    dependsOn: [other]\n    bfd:\n      - {peer: 2001:db8:71::1, local: 2001:db8:71::a,"
                + " interface: eth0, namespace: gw, minTx: 100ms, multiplier: 5}\n";
        f.reload(moved);
        assertThat(f.session("2001:db8:71::a")).isSameAs(s);
        assertThat(f.core.actuatorIds("svc2")).containsExactly(s.config.key());
        assertThat(s.held).as("svc2 waits for its new instance").isTrue();
        assertThat(f.session("2001:db8:71::b").held).as("svc is still announced").isFalse();
        assertThat(f.core.lies()).isEmpty();
    }
}
