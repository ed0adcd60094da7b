package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.config.ConfigException;
import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.hooks.HookRunner;
import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.translator.health.HealthState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link AgentCore} on a {@link ManualClock} with {@link TwinResources}: the test thread is
 * the agent loop, time moves only when the test says, and reloads go through the same
 * plan -> prepare -> commit as {@link Agent#prepareReload} (prepare on the same thread here).
 */
final class CoreFixture implements AutoCloseable {
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T12:00:00Z"));
    final TwinResources twin = new TwinResources(clock);
    final HookRunner hooks = new HookRunner(List.of());
    final List<Agent.Observer> observers = new CopyOnWriteArrayList<>();
    final AgentCore core = new AgentCore(clock, twin, hooks, observers);
    final Path dir;
    private int files;

    CoreFixture() {
        try {
            dir = Files.createTempDirectory("core-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The gateway as the tests expect it: namespace gw with eth0 and 2001:db8:71::a.
        twin.namespaces.add("gw");
        twin.interfaces.add("gw/eth0");
        twin.locals.add("gw/2001:db8:71::a");
        twin.locals.add("gw/2001:db8:71::b");
    }

    /** The config file {@code yaml}, loaded and checked as run and reload load it. */
    LoadedConfig load(String yaml) {
        try {
            return ConfigLoader.load(Files.writeString(dir.resolve("agent-" + (files++) + ".yaml"), yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Plan, prepare (with {@code tx}), commit; the follow-ups come back. */
    List<FollowUp> reload(LoadedConfig next, ReloadTransaction tx) throws ReloadRejected {
        ReloadPlan plan = core.plan(next);
        Map<Object, dev.xlatsentinel.agent.action.Actuator> running = core.running();
        PreparedReload p = PreparedReload.prepare(plan, next, running, twin, core::listener, tx);
        return core.commit(p);
    }

    List<FollowUp> reload(String yaml) throws ReloadRejected {
        return reload(load(yaml), new ReloadTransaction(null));
    }

    /** Sets an instance's health and lets the agent loop handle it. */
    void health(String instance, HealthState state) {
        twin.instances.get(instance).health(state);
        clock.runDue();
    }

    /** The one live session of the config's sessions with local {@code local}. */
    TwinResources.TwinSession session(String local) {
        return twin.live().values().stream()
                .filter(s -> dev.xlatsentinel.platform.net.IpAddresses.text(s.config.local()).equals(local))
                .findFirst().orElseThrow(() -> new AssertionError("no live session from " + local + ": "
                        + twin.live().keySet()));
    }

    /**
     * A gateway's config: one instance "up" (a command probe, never run here), one service
     * "svc" with one session toward 2001:db8:71::1 from {@code local} in namespace {@code ns},
     * plus {@code extra} appended to the session's lines (e.g. {@code "dscp: 46"}).
     */
    String config(String local, String ns, String extra) {
        return "agent:\n  controlSocket: " + dir.resolve("control.sock") + "\n  maintenanceFile: "
                + dir.resolve("maintenance") + "\n  damping: {minHold: 2s, penalty: 0}\n"
                + "instances:\n  up:\n    health: {interval: 1s, timeout: 900ms, rise: 1, fall: 1}\n"
                + "    probes:\n      - {type: command, name: always, command: [/bin/true]}\n"
                + "services:\n  svc:\n    dependsOn: [up]\n    bfd:\n"
                + "      - peer: 2001:db8:71::1\n        local: " + local + "\n        interface: eth0\n"
                + (ns == null ? "" : "        namespace: " + ns + "\n") + "        minTx: 100ms\n"
                + "        multiplier: 5\n" + (extra == null ? "" : "        " + extra + "\n");
    }

    String config() {
        return config("2001:db8:71::a", "gw", null);
    }

    @Override
    public void close() {
        core.close();
        hooks.close();
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
