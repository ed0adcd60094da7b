package dev.xlatsentinel.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.agent.config.BfdSessionConfig;
import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.config.PartitionsCheck;
import dev.xlatsentinel.agent.config.ServiceConfig;
import dev.xlatsentinel.agent.partition.PartitionPlan;
import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.lab.Bird;
import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.RouteMonitor;
import dev.xlatsentinel.lab.UpstreamRouter;
import dev.xlatsentinel.platform.net.IpAddresses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One router of the matrix against {@code render-router-config}'s output and our BFD engine:
 * the router takes the rendered config verbatim (BIRD includes the file; FRR 10.3 applies it
 * with its own {@code vtysh -f}, which must exit 0), for the seed's three-instance example and
 * for the lab's gateway; then each route it tracks is withdrawn when our session is held Down,
 * and comes back on release. The withdrawal time and what the router does on our AdminDown
 * are measured and written to {@code target/router-matrix/ROUTER.properties}, from which
 * {@code lab/bench/router-matrix-table} makes the docs' interop table.
 *
 * <p>Topology: namespace "router" (lan0, 2001:db8:ff::1, 100.64.250.1) and "gw" (lan0, the
 * seed's next hops ::a1-::a3, the lab's ::a, a partition plan's ::b and ::c, 100.64.250.10),
 * one veth pair; the engine runs in "gw" and stands in for every gateway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RouterMatrix {
    static final Duration UP = Duration.ofSeconds(20);
    static final String IF = "lan0";
    static final String ROUTER6 = "2001:db8:ff::1";
    static final String ROUTER4 = "100.64.250.1";
    static final String GW4 = "100.64.250.10";
    static final Path SEED = Path.of("src/main/config/examples/jool-seed.yaml");
    /** The lab gateway's service (what Nat64Lab.agentConfig gives gwa): one /96, BFD 10 ms x 3 on lan0. */
    static final String LAB_CONFIG = """
            instances:
              tayga:
                namespace: gwa
                probes: [{type: tayga, pidFile: /run/tayga.pid, tun: nat64}]
            services:
              nat64:
                dependsOn: [tayga]
                prefixes: [64:ff9b::/96]
                bfd:
                  - {peer: 2001:db8:ff::1, local: 2001:db8:ff::a, interface: lan0, namespace: gwa, minTx: 10ms, multiplier: 3}
            """;
    /** Three gateways sharing the prefix in 8 parts (as the lab's partition scenario), gwa's config. */
    static final String PLAN_CONFIG = """
            instances:
              tayga:
                namespace: gwa
                probes: [{type: tayga, pidFile: /run/tayga.pid, tun: nat64}]
            services:
              nat64:
                dependsOn: [tayga]
                prefixes: [64:ff9b::/96]
                bfd:
                  - {peer: 2001:db8:ff::1, local: 2001:db8:ff::a, interface: lan0, namespace: gwa, minTx: 10ms, multiplier: 3}
            partitions:
              prefix: 64:ff9b::/96
              parts: 8
              gateways:
                gwa: [{nextHop: 2001:db8:ff::a}]
                gwb: [{nextHop: 2001:db8:ff::b}]
                gwc: [{nextHop: 2001:db8:ff::c}]
            """;
    private static final int WITHDRAW_ROUNDS = 5;

    final UpstreamRouter.Kind kind;
    final Map<String, String> results = new LinkedHashMap<>();
    Lab lab;
    Netns router;
    Netns gw;
    BfdEngine engine;

    RouterMatrix(UpstreamRouter.Kind kind) {
        this.kind = kind;
    }

    @BeforeAll
    final void openLab() {
        lab = Lab.open("router-matrix");
        router = lab.netns("router");
        gw = lab.netns("gw");
        lab.link(router, IF, gw, IF);
        router.addr(IF, ROUTER6 + "/64").addr(IF, ROUTER4 + "/24");
        gw.addr(IF, GW4 + "/24");
        for (String a : List.of("2001:db8:ff::a", "2001:db8:ff::a1", "2001:db8:ff::a2", "2001:db8:ff::a3",
                "2001:db8:ff::b", "2001:db8:ff::c")) {
            gw.addr(IF, a + "/64");
        }
        engine = BfdEngine.builder().socketExecutor(gw.executor()).build().start();
        results.put("router", kind.label());
    }

    @AfterAll
    final void closeLab() throws IOException {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            lab.close();
        }
        Path dir = Path.of("target/router-matrix");
        Files.createDirectories(dir);
        StringBuilder b = new StringBuilder("# written by " + getClass().getSimpleName() + " at " + Instant.now()
                + "\n");
        results.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Files.writeString(dir.resolve(kind.cliName() + ".properties"), b.toString());
    }

    /** A fresh router whose whole BFD and static-route config is {@code rendered}, applied as is. */
    UpstreamRouter startRendered(String rendered) {
        Path file = lab.file(kind.cliName() + "-rendered.conf", rendered);
        if (kind.isBird()) {
            // The operator's way: the rendered file included, unchanged, beside their own basics.
            return UpstreamRouter.start(router, kind, """
                    router id 10.255.0.1;
                    protocol device {}
                    protocol kernel { ipv6 { export all; }; }
                    protocol kernel { ipv4 { export all; }; }
                    include "%s";
                    """.formatted(file));
        }
        UpstreamRouter r = UpstreamRouter.start(router, kind, "");
        Cmd.Result applied = r.frr().applyConfigFile(file);
        assertThat(applied.exit()).as("vtysh -f %s exit status: %s%s", file, applied.stdout(), applied.stderr())
                .isZero();
        return r;
    }

    static LoadedConfig load(Path yaml) {
        try {
            return ConfigLoader.load(yaml);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load " + yaml + ": " + e, e);
        }
    }

    String render(Map<String, ServiceConfig> services) {
        return kind.isBird() ? RouterConfig.bird(services, new RouterConfig.Options(IF, false))
                : RouterConfig.frr(services, new RouterConfig.Options(null, false));
    }

    /** Our side of an agent session: same addresses and timers, on the lab's interface. */
    static SessionConfig ours(BfdSessionConfig c) {
        return SessionConfig.builder().peer(c.peer()).local(c.local()).iface(IF).desiredMinTx(c.minTx())
                .requiredMinRx(c.minRx()).detectMult(c.multiplier()).build();
    }

    boolean routeVia(String prefix, String nextHop) {
        String family = prefix.contains(":") ? "-6" : "-4";
        return router.ip(family, "route", "show", prefix).contains("via " + nextHop + " ");
    }

    void awaitRoute(String prefix, String nextHop, UpstreamRouter r) {
        Poll.until(UP, Duration.ofMillis(20), prefix + " via " + nextHop + " at " + kind.label(),
                () -> routeVia(prefix, nextHop), () -> r.bfdSessions() + router.ip("-6", "route"));
    }

    @Test
    @Order(1)
    void theSeedsRenderedConfigIsAppliedVerbatimAndEachInstanceWithdrawsOnlyItsOwnRoute() {
        Map<String, ServiceConfig> services = load(SEED).config().services();
        try (UpstreamRouter r = startRendered(render(services))) {
            List<BfdSession> sessions = new ArrayList<>();
            try {
                services.values().forEach(s -> sessions.add(engine.addSession(ours(s.bfd().get(0)))));
                services.values().forEach(s -> awaitRoute(s.prefixes().get(0).toString(), IpAddresses.text(s.bfd().get(0).local()), r));
                results.put("seed", "applied verbatim; 3 routes tracked");

                ServiceConfig lower = services.get("nat64-lower");
                sessions.get(0).holdDown(Diagnostic.PATH_DOWN).join();
                Poll.until(UP, Duration.ofMillis(10), "nat64-lower's route withdrawn",
                        () -> !routeVia(lower.prefixes().get(0).toString(), IpAddresses.text(lower.bfd().get(0).local())), r::bfdSessions);
                assertThat(routeVia("64:ff9b::8000:0/97", "2001:db8:ff::a2")).isTrue();
                assertThat(routeVia("2001:db8:46::/96", "2001:db8:ff::a3")).isTrue();
            } finally {
                sessions.forEach(s -> s.remove().join());
            }
        }
    }

    @Test
    @Order(2)
    void theLabsRenderedConfigTracksTheRouteAtTheAgentsTimersAndWithdrawsItOnOurDown() throws Exception {
        Path yaml = lab.file("lab-agent.yaml", LAB_CONFIG);
        Map<String, ServiceConfig> services = load(yaml).config().services();
        BfdSessionConfig c = services.get("nat64").bfd().get(0);
        String prefix = "64:ff9b::/96";
        try (UpstreamRouter r = startRendered(render(services))) {
            RouteMonitor monitor = RouteMonitor.start(router);
            BfdSession s = engine.addSession(ours(c));
            try {
                awaitRoute(prefix, IpAddresses.text(c.local()), r);
                assertRouterSendsAtTheAgentsTimers(r, IpAddresses.text(c.local()));
                List<Double> withdrawMs = new ArrayList<>();
                for (int round = 0; round < WITHDRAW_ROUNDS; round++) {
                    awaitUp(s, r);
                    awaitRoute(prefix, IpAddresses.text(c.local()), r);
                    long t0 = micros();
                    s.holdDown(Diagnostic.PATH_DOWN).join();
                    withdrawMs.add(awaitDeletion(monitor, prefix, t0, r) / 1000.0);
                    s.release().join();
                }
                withdrawMs.sort(null);
                results.put("withdraw.ms.median", fmt(withdrawMs.get(withdrawMs.size() / 2)));
                results.put("withdraw.ms.max", fmt(withdrawMs.get(withdrawMs.size() - 1)));
                results.put("withdraw.rounds", Integer.toString(WITHDRAW_ROUNDS));

                awaitUp(s, r);
                awaitRoute(prefix, IpAddresses.text(c.local()), r);
                long t0 = micros();
                s.adminDown().join();
                // RFC 5882 §3.2 lets a router keep the route on AdminDown; watch 1 s (33 detection times).
                long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                Long deleted = null;
                while (deleted == null && System.nanoTime() < deadline) {
                    deleted = deletionAfter(monitor, prefix, t0);
                    Thread.sleep(10);
                }
                results.put("admindown", deleted == null ? "kept (1 s watched)"
                        : "withdrawn after " + fmt(deleted / 1000.0) + " ms");
                s.adminUp().join();
                awaitUp(s, r);
                awaitRoute(prefix, IpAddresses.text(c.local()), r);
            } finally {
                s.remove().join();
            }
        }
    }

    /**
     * A partition plan's rendered config, applied verbatim: every part goes to its first
     * choice; one gateway's session held Down moves exactly that gateway's parts, each to the
     * next gateway of its order, and no other part; released, they come back.
     */
    @Test
    @Order(3)
    void aRenderedPartitionPlanRoutesEachPartToItsFirstChoiceAndAFailedGatewayMovesOnlyItsParts() throws Exception {
        Path yaml = lab.file("plan-agent.yaml", PLAN_CONFIG);
        LoadedConfig loaded = load(yaml);
        PartitionPlan plan = PartitionsCheck.plan(loaded.config());
        String rendered = kind.isBird() ? RouterConfig.bird(loaded.config(), new RouterConfig.Options(IF, false))
                : RouterConfig.frr(loaded.config(), new RouterConfig.Options(null, false));
        BfdSessionConfig c = loaded.config().services().get("nat64").bfd().get(0);
        try (UpstreamRouter r = startRendered(rendered)) {
            Map<String, BfdSession> sessions = new LinkedHashMap<>();
            try {
                for (String g : plan.gateways()) {
                    String local = plan.nextHops(g).get(0).address();
                    sessions.put(g, engine.addSession(SessionConfig.builder().peer(c.peer()).local(local).iface(IF)
                            .desiredMinTx(c.minTx()).requiredMinRx(c.minRx()).detectMult(c.multiplier()).build()));
                }
                for (PartitionPlan.PartRoute part : plan.parts()) {
                    awaitOnlyRoute(part.part().ipv6(), part.first().address(), r);
                }
                String failed = plan.gateways().get(0);
                sessions.get(failed).holdDown(Diagnostic.PATH_DOWN).join();
                for (PartitionPlan.PartRoute part : plan.parts()) {
                    awaitOnlyRoute(part.part().ipv6(), part.carrier(java.util.Set.of(failed)).address(), r);
                }
                long moved = plan.parts().stream().filter(p -> p.first().gateway().equals(failed)).count();
                results.put("plan", "applied verbatim; " + plan.parts().size() + " parts over "
                        + plan.gateways().size() + " gateways; " + moved + " parts moved as planned when "
                        + failed + " was held Down, none other");
                sessions.get(failed).release().join();
                for (PartitionPlan.PartRoute part : plan.parts()) {
                    awaitOnlyRoute(part.part().ipv6(), part.first().address(), r);
                }
            } finally {
                sessions.values().forEach(s -> s.remove().join());
            }
        }
    }

    /**
     * Waits until the kernel routes {@code prefix} via {@code nextHop} alone: not the
     * last-resort route, which goes via every gateway at once.
     */
    void awaitOnlyRoute(String prefix, String nextHop, UpstreamRouter r) {
        Poll.until(UP, Duration.ofMillis(20), prefix + " via " + nextHop + " alone at " + kind.label(),
                () -> nextHops(prefix).equals(List.of(nextHop)), () -> r.bfdSessions() + router.ip("-6", "route"));
    }

    List<String> nextHops(String prefix) {
        String[] tok = router.ip("-6", "route", "show", prefix).split("\\s+");
        List<String> hops = new ArrayList<>();
        for (int i = 0; i + 1 < tok.length; i++) {
            if (tok[i].equals("via")) {
                hops.add(tok[i + 1]);
            }
        }
        return hops;
    }

    private void assertRouterSendsAtTheAgentsTimers(UpstreamRouter r, String gateway) {
        if (kind.isBird()) {
            Poll.until(UP, Poll.DEFAULT_EVERY, "BIRD at 10 ms", () -> r.bird().bfdSession(gateway).map(Bird.BfdSessionRow::interval)
                    .orElse("").equals("0.010"), r::bfdSessions);
        } else {
            for (var p : r.frr().json("show bfd peers json")) {
                if (p.get("peer").asText().equals(gateway)) {
                    // The rendered profile carries the agent's timers; a plain `bfd` would show 300.
                    assertThat(p.get("receive-interval").asInt()).isEqualTo(10);
                    assertThat(p.get("transmit-interval").asInt()).isEqualTo(10);
                    assertThat(p.get("detect-multiplier").asInt()).isEqualTo(3);
                    return;
                }
            }
            throw new AssertionError("FRR has no BFD peer " + gateway + ": " + r.bfdSessions());
        }
    }

    void awaitUp(BfdSession s, UpstreamRouter r) {
        Poll.until(UP, Duration.ofMillis(20), "our session Up", () -> s.snapshot().state() == State.UP,
                () -> s.snapshot() + "\n" + r.bfdSessions());
    }

    /** Microseconds from {@code t0} to the route's deletion at the router's kernel. */
    long awaitDeletion(RouteMonitor monitor, String prefix, long t0, UpstreamRouter r) {
        Supplier<Long> d = () -> deletionAfter(monitor, prefix, t0);
        Poll.until(Duration.ofSeconds(5), Duration.ofMillis(5), "route withdrawn after our Down",
                () -> d.get() != null, r::bfdSessions);
        return d.get();
    }

    static Long deletionAfter(RouteMonitor monitor, String prefix, long t0) {
        return monitor.events(prefix).stream().filter(e -> e.deleted() && e.micros() >= t0).findFirst()
                .map(e -> e.micros() - t0).orElse(null);
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    static String fmt(double ms) {
        return String.format(java.util.Locale.ROOT, "%.1f", ms);
    }
}
