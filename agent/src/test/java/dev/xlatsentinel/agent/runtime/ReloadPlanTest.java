package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.runtime.ReloadPlan.Kind;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The plan is a pure function of the running config and the new one: what each change becomes. */
class ReloadPlanTest {
    private final CoreFixture f = new CoreFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private ReloadPlan plan(String from, String to) {
        return ReloadPlan.between(f.load(from), f.load(to));
    }

    private static String session(ReloadPlan p) {
        return p.sessions().stream().map(ReloadPlan.Change::toString).reduce((a, b) -> a + "; " + b).orElse("");
    }

    @Test
    void theSameFileChangesNothing() {
        ReloadPlan p = plan(f.config(), f.config());
        assertThat(p.all()).allMatch(c -> c.kind() == Kind.KEEP);
        assertThat(p.control().changes() || p.metrics().changes()).isFalse();
        assertThat(p.summary()).isEqualTo("no change");
        assertThat(p.namespacesToEnter()).isEmpty();
    }

    @Test
    void fromNothingEverythingIsAdded() {
        LoadedConfig c = f.load(f.config());
        ReloadPlan p = ReloadPlan.between(ReloadPlan.NOTHING, c);
        assertThat(p.first()).isTrue();
        assertThat(p.all()).allMatch(x -> x.kind() == Kind.ADD);
        assertThat(p.namespacesToEnter()).containsExactly("gw");
        assertThat(p.control().from()).isNull();
    }

    @Test
    void timersGoThroughAPollOnTheRunningSession() {
        ReloadPlan p = plan(f.config(), f.config().replace("minTx: 100ms", "minTx: 50ms"));
        assertThat(session(p)).isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0 single-hop updated"
                + " (timers 100ms/100ms x5 -> 50ms/50ms x5 through a Poll)");
        assertThat(p.namespacesToEnter()).isEmpty();
    }

    @Test
    void whatASessionCannotTakeLiveRecreatesItUnderTheSameKey() {
        assertThat(session(plan(f.config(), f.config("2001:db8:71::a", "gw", "dscp: 46"))))
                .isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0 single-hop recreated (dscp 48 -> 46)");
        ReloadPlan moved = plan(f.config(), f.config("2001:db8:71::a", "other", "passive: true"));
        assertThat(session(moved)).isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0 single-hop recreated"
                + " (namespace gw -> other, passive false -> true)");
        assertThat(moved.namespacesToEnter()).containsExactly("other");
    }

    @Test
    void anAuthenticationTypeChangeRecreatesAndAKeyChangeOfTheSameTypeIsLive() throws Exception {
        var key = f.dir.resolve("router.key");
        Files.writeString(key, "secret-one\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        var key2 = f.dir.resolve("router-2.key");
        Files.writeString(key2, "secret-two\n");
        Files.setPosixFilePermissions(key2, PosixFilePermissions.fromString("rw-------"));
        String md5 = f.config("2001:db8:71::a", "gw", "auth: {type: keyed-md5, keyId: 1, secretFile: " + key + "}");
        assertThat(session(plan(f.config(), md5))).isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0"
                + " single-hop recreated (authentication type changed from none to keyed-md5)");
        String chain = f.config("2001:db8:71::a", "gw", "auth: {type: keyed-md5, keys: [{id: 1, secretFile: " + key
                + "}, {id: 2, secretFile: " + key2 + "}], sendKeyId: 1}");
        assertThat(session(plan(md5, chain))).isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0 single-hop"
                + " updated (keys of keyed-md5 applied live)");
    }

    @Test
    void anotherAddressOrInterfaceIsAnotherSession() {
        ReloadPlan p = plan(f.config(), f.config("2001:db8:71::b", "gw", null));
        assertThat(p.sessions()).extracting(ReloadPlan.Change::kind).containsExactly(Kind.ADD, Kind.REMOVE);
        assertThat(p.summary()).isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::b dev eth0 single-hop added; "
                + "bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0 single-hop removed");
    }

    @Test
    void theSameAddressesOnAnotherInterfaceTakeTheOldSessionsPlace() {
        ReloadPlan p = plan(f.config(), f.config().replace("interface: eth0", "interface: eth1"));
        assertThat(p.sessions()).extracting(ReloadPlan.Change::kind).containsExactly(Kind.ADD, Kind.REMOVE);
        assertThat(p.moves()).hasSize(1);
        assertThat(p.moves().values()).extracting(k -> k.iface()).containsExactly("eth0");
        assertThat(p.summary()).isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::a dev eth1 single-hop added"
                + " (in place of the one on eth0, in one step); bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0"
                + " single-hop removed (replaced by the one on eth1, no AdminDown)");
        assertThat(plan(f.config(), f.config("2001:db8:71::b", "gw", null)).moves())
                .as("another local address is not a move").isEmpty();
    }

    @Test
    void aChangedInstanceIsRebuiltAndItsServiceKept() {
        ReloadPlan p = plan(f.config(), f.config().replace("rise: 1", "rise: 3"));
        assertThat(p.instances()).extracting(ReloadPlan.Change::toString)
                .containsExactly("instance up recreated (probes rebuilt; UP or DOWN stands until they decide)");
        assertThat(p.services()).extracting(ReloadPlan.Change::kind).containsExactly(Kind.KEEP);
    }

    @Test
    void sessionsInANamespaceCreatedAgainAreRecreatedAndNothingElse() {
        ReloadPlan p = plan(f.config(), f.config()).recreatingIn(java.util.Map.of("gw",
                "network namespace gw was created again"));
        assertThat(session(p)).isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::a dev eth0 single-hop recreated"
                + " (network namespace gw was created again)");
        assertThat(p.namespacesToEnter()).containsExactly("gw");
        assertThat(p.instances()).extracting(ReloadPlan.Change::kind).containsExactly(Kind.KEEP);
        assertThat(p.changesAnything()).isTrue();
        assertThat(plan(f.config(), f.config()).recreatingIn(java.util.Map.of("other", "x")).changesAnything())
                .as("another namespace's rebuild leaves this one's sessions alone").isFalse();
        assertThat(session(plan(f.config(), f.config().replace("minTx: 100ms", "minTx: 50ms"))
                .recreatingIn(java.util.Map.of("gw", "network namespace gw was created again"))))
                .as("an update is recreated with its new settings").isEqualTo("bfd 2001:db8:71::1 from 2001:db8:71::a"
                        + " dev eth0 single-hop recreated (network namespace gw was created again, timers"
                        + " 100ms/100ms x5 -> 50ms/50ms x5 through a Poll)");
        assertThat(session(plan(f.config(), f.config("2001:db8:71::b", "gw", null))
                .recreatingIn(java.util.Map.of("gw", "network namespace gw was created again"))))
                .as("an added and a removed session stay as planned").doesNotContain("recreated");
    }

    @Test
    void anUnchangedInstanceWhoseNamespaceWasCreatedAgainIsRebuilt() {
        ReloadPlan p = plan(f.config(), f.config()).rebuilding(java.util.Map.of("up",
                "network namespace gw was created again"));
        assertThat(p.summary()).isEqualTo("instance up recreated (network namespace gw was created again: probes"
                + " rebuilt; UP or DOWN stands until they decide)");
        assertThat(plan(f.config(), f.config()).rebuilding(java.util.Map.of()).summary()).isEqualTo("no change");
        assertThat(plan(f.config(), f.config().replace("  up:", "  other:").replace("[up]", "[other]"))
                .rebuilding(java.util.Map.of("up", "network namespace gw was created again")).instances())
                .as("a removed instance stays removed").extracting(ReloadPlan.Change::toString)
                .containsExactly("instance other added", "instance up removed");
    }

    @Test
    void listenersAndSettingsAreNamed() {
        String group = f.config().replace("agent:\n", "agent:\n  controlGroup: nogroup\n"
                + "  metrics: {listen: 127.0.0.1:9999}\n  bfdRealtimePriority: 5\n  shutdownGrace: 1s\n"
                + "  detectionRealtimePriority: 3\n");
        ReloadPlan p = plan(f.config(), group);
        assertThat(p.control().changes()).isTrue();
        assertThat(p.control().to().group()).isEqualTo("nogroup");
        assertThat(p.metrics().from()).isNull();
        assertThat(p.summary()).isEqualTo("control socket " + f.dir.resolve("control.sock") + " (root only) -> "
                + f.dir.resolve("control.sock") + " (group nogroup); metrics off -> 127.0.0.1:9999; agent settings:"
                + " shutdownGrace 2s -> 1s; bfdRealtimePriority 0 -> 5 is read at start: it applies after a restart;"
                + " detectionRealtimePriority 0 -> 3 is read at start: it applies after a restart");
    }

    @Test
    void servicesAddedAndRemoved() {
        String two = f.config() + "  svc2:\n    dependsOn: [up]\n    bfd:\n      - {peer: 2001:db8:71::1,"
                + " local: 2001:db8:71::b, interface: eth0, namespace: gw}\n";
        ReloadPlan added = plan(f.config(), two);
        assertThat(added.services()).extracting(ReloadPlan.Change::toString)
                .containsExactly("service svc kept", "service svc2 added (withdrawn until its instances are UP)");
        ReloadPlan removed = plan(two, f.config());
        assertThat(removed.services()).extracting(ReloadPlan.Change::kind).containsExactly(Kind.KEEP, Kind.REMOVE);
        assertThat(removed.sessions()).extracting(ReloadPlan.Change::kind).containsExactly(Kind.KEEP, Kind.REMOVE);
    }
}
