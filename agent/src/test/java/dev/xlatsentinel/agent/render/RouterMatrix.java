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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final int MAX_SPOILED = 5;
    private static final Logger LOG = LoggerFactory.getLogger(RouterMatrix.class);

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

    /** As an operator renders it for this router: its interface named, with or without the last resort. */
    String render(Map<String, ServiceConfig> services, boolean lastResort) {
        RouterConfig.Options o = new RouterConfig.Options(IF, false, lastResort);
        return kind.isBird() ? RouterConfig.bird(services, o) : RouterConfig.frr(services, o);
    }

    /**
     * Whether the router's RIB has the BFD-tracked route to {@code prefix}, not only its last
     * resort (which keeps the kernel route to the same next hop when the tracked one goes).
     */
    boolean tracked(UpstreamRouter r, String prefix) {
        if (kind.isBird()) {
            // BIRD drops a static route whose BFD session is down; the last resort is another protocol.
            return r.bird().route(prefix).lines()
                    .anyMatch(l -> l.contains(" unicast [") && l.contains("[xlat_") && !l.contains("_last_resort "));
        }
        var json = r.frr().json((prefix.contains(":") ? "show ipv6 route " : "show ip route ") + prefix + " json");
        for (var entry : json.path(prefix)) {
            if (entry.path("distance").asInt() != RouterConfig.FRR_LAST_RESORT_DISTANCE) {
                return true;
            }
        }
        return false;
    }

    void awaitTracked(UpstreamRouter r, String prefix, boolean present) {
        Poll.until(UP, Duration.ofMillis(10), prefix + (present ? " tracked" : " no longer tracked") + " at "
                + kind.label(), () -> tracked(r, prefix) == present, r::bfdSessions);
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
        // The operator's default output, last resort included.
        try (UpstreamRouter r = startRendered(render(services, true))) {
            List<BfdSession> sessions = new ArrayList<>();
            try {
                services.values().forEach(s -> sessions.add(engine.addSession(ours(s.bfd().get(0)))));
                services.values().forEach(s -> {
                    awaitTracked(r, s.prefixes().get(0), true);
                    awaitRoute(s.prefixes().get(0), s.bfd().get(0).local(), r);
                });

                ServiceConfig lower = services.get("nat64-lower");
                sessions.get(0).holdDown(Diagnostic.PATH_DOWN).join();
                awaitTracked(r, lower.prefixes().get(0), false);
                assertThat(tracked(r, "64:ff9b::8000:0/97")).isTrue();
                assertThat(tracked(r, "2001:db8:46::/96")).isTrue();
                // Never the last one: with no tracked route left, the last resort keeps the prefix.
                assertThat(routeVia(lower.prefixes().get(0), lower.bfd().get(0).local()))
                        .as("the last resort keeps %s", lower.prefixes().get(0)).isTrue();
                results.put("seed", "applied verbatim with the last resort; 3 routes tracked; an instance held "
                        + "Down loses only its tracked route, its last resort keeps the prefix");
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
        // Without the last resort: it would keep the kernel route, and the withdrawal is what is timed.
        try (UpstreamRouter r = startRendered(render(services, false))) {
            RouteMonitor monitor = RouteMonitor.start(router);
            BfdSession s = engine.addSession(ours(c));
            try {
                awaitRoute(prefix, c.local(), r);
                assertRouterSendsAtTheAgentsTimers(r, c.local());
                List<Double> withdrawMs = new ArrayList<>();
                int spoiled = 0;
                while (withdrawMs.size() < WITHDRAW_ROUNDS) {
                    awaitUp(s, r);
                    awaitRoute(prefix, c.local(), r);
                    long t0 = micros();
                    s.holdDown(Diagnostic.PATH_DOWN).join();
                    Long d = awaitDeletion(monitor, prefix, t0);
                    if (d != null) {
                        withdrawMs.add(d / 1000.0);
                    } else if (!routeVia(prefix, c.local()) && ++spoiled <= MAX_SPOILED) {
                        // The session flapped at 10 ms x 3 (a busy machine) and the route left
                        // just before our Down: that round measured nothing; run another.
                        LOG.warn("{}: the route left before our Down (a flap); round repeated", kind.label());
                    } else {
                        throw new AssertionError("route not withdrawn within 5 s of our Down at " + kind.label()
                                + ": " + r.bfdSessions());
                    }
                    s.release().join();
                }
                withdrawMs.sort(null);
                results.put("withdraw.ms.median", fmt(withdrawMs.get(withdrawMs.size() / 2)));
                results.put("withdraw.ms.max", fmt(withdrawMs.get(withdrawMs.size() - 1)));
                results.put("withdraw.rounds", WITHDRAW_ROUNDS + (spoiled > 0 ? " (+" + spoiled
                        + " repeated after a flap before our Down)" : ""));

                awaitUp(s, r);
                awaitRoute(prefix, c.local(), r);
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
                awaitRoute(prefix, c.local(), r);
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
            Poll.until(UP, Poll.DEFAULT_EVERY, "BIRD at 10 ms", () -> r.bird().bfdSession(gateway)
                    .map(Bird.BfdSessionRow::interval)
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

    /** Microseconds from {@code t0} to the route's deletion at the router's kernel; null if none in 5 s. */
    static Long awaitDeletion(RouteMonitor monitor, String prefix, long t0) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Long d = deletionAfter(monitor, prefix, t0);
        while (d == null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            d = deletionAfter(monitor, prefix, t0);
        }
        return d;
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
