package dev.xlatsentinel.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The NAT64 failover topology of the lab, built inside one {@link Lab}:
 *
 * <pre>
 *  client6 ──── router ─────────┐                         ┌── gwa (TAYGA) ──┐
 *  2001:db8:c::2   ::1          │   LAN 2001:db8:ff::/64  │   ::a           │   IPv4 LAN 100.64.0.0/24
 *                               └──────── sw6 (bridge) ───┼── gwb (TAYGA) ──┼── sw4 (bridge) ── server4
 *                                           ::1 router    │   ::b           │   .2 gwa .3 gwb    .254
 *                                                         │                 │   targets 100.64.100.10, .11
 *                                    probe namespaces:  pa (2001:db8:a1::2) → gwa, pb (2001:db8:b1::2) → gwb
 * </pre>
 *
 * The router reaches 64:ff9b::/96 through static routes tracked by BFD (primary gwa, backup
 * gwb, or ECMP over both). The router is Debian 12's BIRD 2 unless {@link Options#router}
 * picks another of the matrix ({@link UpstreamRouter.Kind}: BIRD 2.17, BIRD 3.1, FRR 10.3). Each gateway translates with its own IPv4 pool
 * (100.64.1X.0/24), so the server knows which gateway a packet came through; it routes each
 * pool back to its gateway. Gateways reach the IPv4 targets through a default route via
 * server4 (100.64.0.254), so "egress route removed" is a real fault. Nothing speaks BFD on
 * the gateways until a test starts it (the agent, or FRR bfdd for the baseline). Each IPv4
 * target runs a {@link UdpStream} echo server.
 */
public final class Nat64Lab {
    public static final String PREFIX = "64:ff9b::/96";
    public static final String ROUTER_LAN = "2001:db8:ff::1";
    public static final String CLIENT = "2001:db8:c::2";
    public static final String SERVER4_GATEWAY = "100.64.0.254";
    /** IPv4 targets behind server4, and their NAT64 (RFC 6052 /96) addresses. */
    public static final List<String> TARGETS4 = List.of("100.64.100.10", "100.64.100.11");
    public static final List<String> TARGETS6 = List.of("64:ff9b::6440:640a", "64:ff9b::6440:640b");
    public static final String LAN_IF = "lan0";
    public static final String IPV4_IF = "v4";
    public static final String PROBE_IF = "pr0";
    public static final String TUN = "nat64";

    /** How BIRD uses the gateways. */
    public enum Routing {
        /** gwa preferred (static preference 200), gwb backup (100). */
        PRIMARY_BACKUP,
        /** One route with both next hops (ECMP). */
        ECMP
    }

    /** BFD timers on the router: the router's side of every session. */
    public record RouterBfd(Duration minRx, Duration minTx, int multiplier) {
        public static final RouterBfd DEFAULT = new RouterBfd(Duration.ofMillis(10), Duration.ofMillis(10), 3);
    }

    /**
     * @param lastResort the router also has the last-resort route {@code render-router-config}
     *                   renders: a static route without BFD via every gateway at the lowest
     *                   preference, so probe failures alone never leave the prefix without a route
     */
    public record Options(List<String> gateways, Routing routing, RouterBfd bfd, boolean probeNamespaces,
            UpstreamRouter.Kind router, boolean lastResort) {
        public static Options defaults() {
            return new Options(List.of("gwa", "gwb"), Routing.PRIMARY_BACKUP, RouterBfd.DEFAULT, true,
                    UpstreamRouter.Kind.BIRD2, false);
        }

        public Options withBfd(RouterBfd b) {
            return new Options(gateways, routing, b, probeNamespaces, router, lastResort);
        }

        public Options withRouting(Routing r) {
            return new Options(gateways, r, bfd, probeNamespaces, router, lastResort);
        }

        public Options withGateways(List<String> names) {
            return new Options(names, routing, bfd, probeNamespaces, router, lastResort);
        }

        public Options withRouter(UpstreamRouter.Kind r) {
            return new Options(gateways, routing, bfd, probeNamespaces, r, lastResort);
        }

        public Options withLastResort(boolean on) {
            return new Options(gateways, routing, bfd, probeNamespaces, router, on);
        }
    }

    /**
     * One gateway: its namespace, TAYGA, its probe namespace (or null) and addresses.
     *
     * @param index 0 for the first gateway ("a"), 1 for the second, ...
     */
    public record Gateway(String name, int index, Netns ns, Netns probe, Tayga tayga, String lanAddress,
            String ipv4Address, String pool4, String probeAddress, String probeGatewayAddress) {

        public String letter() {
            return Character.toString((char) ('a' + index));
        }

        /** Kills TAYGA (SIGKILL): the translator is gone, the TUN stays. */
        public void killTayga() {
            tayga.daemon().signal("KILL");
            tayga.daemon().awaitExit(Duration.ofSeconds(5));
        }

        /** Freezes TAYGA (SIGSTOP): a hung translator. */
        public void freezeTayga() {
            tayga.daemon().signal("STOP");
        }

        public void thawTayga() {
            tayga.daemon().signal("CONT");
        }

        public void tunDown() {
            ns.ip("link", "set", TUN, "down");
        }

        /** Sets the TUN up again and restores the routes the kernel removed with it. */
        public void tunUp() {
            ns.ip("link", "set", TUN, "up");
            ns.ip("route", "replace", pool4, "dev", TUN);
            ns.ip("-6", "route", "replace", PREFIX, "dev", TUN);
        }

        /** Drops translated traffic on the IPv4 side with an nftables rule. */
        public void dropTranslatedIpv4() {
            ns.run("nft", "add table inet xsfault");
            ns.run("nft", "add chain inet xsfault out { type filter hook postrouting priority 0 ; }");
            ns.run("nft", "add rule inet xsfault out oifname \"" + IPV4_IF + "\" ip saddr " + pool4 + " drop");
        }

        public void undropTranslatedIpv4() {
            ns.run("nft", "delete table inet xsfault");
        }

        /** Removes the IPv4 default route: translated packets have no way out. */
        public void removeEgressRoute() {
            ns.ip("route", "del", "default");
        }

        public void restoreEgressRoute() {
            ns.ip("route", "replace", "default", "via", SERVER4_GATEWAY);
        }

        /** Restarts TAYGA after a kill (same TUN and config). */
        public void restartTayga() {
            tayga.startDaemon();
        }
    }

    /**
     * The agent's settings on a gateway: probe timing and rise/fall, BFD timers toward the
     * router, and the policy's minimum hold ({@code null}: the agent's own damping defaults;
     * {@code damping} false: flap damping off).
     */
    public record AgentTuning(Duration interval, Duration fastInterval, Duration timeout, int rise, int fall,
            Duration bfdInterval, int bfdMultiplier, Duration minHold, boolean damping) {
        /** Fast enough to fail over in tens of milliseconds. */
        public static final AgentTuning FAST = new AgentTuning(Duration.ofMillis(10), Duration.ofMillis(5),
                Duration.ofMillis(5), 3, 2, Duration.ofMillis(10), 3, Duration.ZERO, false);
        /**
         * Issue 16's silent-fault settings: datapath probes every 5 ms (2 ms while a change is
         * pending), timeout 4 ms, otherwise as {@link #FAST} (docs/failover.md "5 ms probes").
         */
        public static final AgentTuning FAST_5MS = new AgentTuning(Duration.ofMillis(5), Duration.ofMillis(2),
                Duration.ofMillis(4), 3, 2, Duration.ofMillis(10), 3, Duration.ZERO, false);
        /**
         * For tests about behaviour, not speed: margins wide enough that a busy 2-core machine
         * never fails a healthy gateway, and no flap damping.
         */
        public static final AgentTuning TOLERANT = new AgentTuning(Duration.ofMillis(50), Duration.ofMillis(20),
                Duration.ofMillis(50), 2, 3, Duration.ofMillis(100), 3, Duration.ZERO, false);

        /**
         * Production-like (issue 12's second setting): probes every 100 ms (20 ms while a change
         * is pending), timeout 50 ms, rise 3, fall 2; BFD 50 ms x 3; no hold, no damping (as
         * measured before the fix; {@link #withDampingDefaults()} for the agent's defaults).
         */
        public static final AgentTuning PRODUCTION_LIKE = new AgentTuning(Duration.ofMillis(100),
                Duration.ofMillis(20), Duration.ofMillis(50), 3, 2, Duration.ofMillis(50), 3, Duration.ZERO, false);

        /** The router's BFD timers matching these (the same interval and multiplier on both sides). */
        public RouterBfd routerBfd() {
            return new RouterBfd(bfdInterval, bfdInterval, bfdMultiplier);
        }

        /** The agent's own damping defaults (minimum hold, flap damping) instead of none. */
        public AgentTuning withDampingDefaults() {
            return new AgentTuning(interval, fastInterval, timeout, rise, fall, bfdInterval, bfdMultiplier, null, true);
        }

        public AgentTuning withMinHold(Duration d) {
            return new AgentTuning(interval, fastInterval, timeout, rise, fall, bfdInterval, bfdMultiplier, d, damping);
        }
    }

    /**
     * A config for the agent on gateway {@code g}: one instance "tayga" probed end to end from
     * the gateway's probe namespace plus TAYGA's own signals, one service "nat64" with a native
     * BFD session to the router, the agent running in the root namespace and entering the
     * gateway's namespaces.
     */
    public String agentConfig(Gateway g, AgentTuning t, java.nio.file.Path socket) {
        StringBuilder b = new StringBuilder();
        b.append("agent:\n")
                .append("  controlSocket: ").append(socket).append('\n')
                .append("  maintenanceFile: ").append(lab.dir().resolve(g.name() + ".maintenance")).append('\n')
                .append("  shutdownGrace: 2s\n")
                // A benchmark's choice (lab/bench/failover --bfd-realtime N): the BFD loop under SCHED_FIFO.
                .append(Integer.getInteger("lab.bfdRealtimePriority", 0) > 0 ? "  bfdRealtimePriority: "
                        + Integer.getInteger("lab.bfdRealtimePriority") + "\n" : "")
                // lab/bench/failover --detect-realtime N: the deciding threads under SCHED_FIFO.
                .append(Integer.getInteger("lab.detectionRealtimePriority", 0) > 0 ? "  detectionRealtimePriority: "
                        + Integer.getInteger("lab.detectionRealtimePriority") + "\n" : "")
                .append(t.minHold() == null ? "" : "  damping: {minHold: " + t.minHold().toMillis() + "ms"
                        + (t.damping() ? "" : ", penalty: 0") + "}\n");
        b.append("instances:\n  tayga:\n")
                .append("    namespace: ").append(g.ns().name()).append('\n');
        if (g.probe() != null) {
            b.append("    probeNamespace: {name: ").append(g.probe().name()).append("}\n");
        }
        b.append("    health: {interval: ").append(ms(t.interval())).append(", fastInterval: ")
                .append(ms(t.fastInterval())).append(", timeout: ").append(ms(t.timeout())).append(", rise: ")
                .append(t.rise()).append(", fall: ").append(t.fall())
                // A benchmark's choice (--confirm-early): a silent round's next one starts beside it.
                .append(Boolean.getBoolean("lab.confirmEarly") ? ", confirmEarly: true" : "").append("}\n")
                .append("    probes:\n");
        if (g.probe() != null) {
            b.append("      - {type: icmp, prefix: ").append(PREFIX).append(", targets: [")
                    .append(String.join(", ", TARGETS4)).append("], required: 1}\n");
        }
        // TAYGA's exit, its TUN going down and the egress route's removal are never ambiguous:
        // one kernel event (confirmed by the probe's own look) is enough (onEvent: down).
        // Its output leaves by the IPv4 side (translated requests) and the IPv6 side (translated
        // answers): their transmit counters tell a saturated TAYGA from one whose output is dropped.
        b.append("      - {type: tayga, pidFile: ").append(g.tayga().pidFile()).append(", tun: ").append(TUN)
                .append(", egress: [").append(IPV4_IF).append(", ").append(LAN_IF).append("], onEvent: down}\n");
        b.append("      - {type: route, name: egress, destination: 0.0.0.0/0, onEvent: down}\n");
        b.append("services:\n  nat64:\n    dependsOn: [tayga]\n    prefixes: [").append(PREFIX).append("]\n")
                .append("    bfd:\n      - {peer: ").append(ROUTER_LAN).append(", local: ").append(g.lanAddress())
                .append(", interface: ").append(LAN_IF).append(", namespace: ").append(g.ns().name())
                .append(", minTx: ").append(ms(t.bfdInterval())).append(", multiplier: ").append(t.bfdMultiplier())
                .append("}\n");
        return b.toString();
    }

    private static String ms(Duration d) {
        return d.toNanos() % 1_000_000 == 0 ? d.toMillis() + "ms" : d.toNanos() / 1000 + "us";
    }

    private final Lab lab;
    private Options options;
    private final Netns client;
    private final Netns router;
    private final Netns server;
    private final Netns sw6;
    private final List<Gateway> gateways;
    private UpstreamRouter upstream;
    private String routerConfig;

    private Nat64Lab(Lab lab, Options options, Netns client, Netns router, Netns server, Netns sw6,
            List<Gateway> gateways, UpstreamRouter upstream, String routerConfig) {
        this.lab = lab;
        this.options = options;
        this.client = client;
        this.router = router;
        this.server = server;
        this.sw6 = sw6;
        this.gateways = gateways;
        this.upstream = upstream;
        this.routerConfig = routerConfig;
    }

    public static Nat64Lab build(Lab lab, Options o) {
        if (o.gateways().isEmpty() || o.gateways().size() > 8) {
            throw new IllegalArgumentException("1 to 8 gateways");
        }
        Netns client = lab.netns("client");
        Netns router = lab.netns("router");
        Netns sw6 = lab.netns("sw6");
        Netns sw4 = lab.netns("sw4");
        Netns server = lab.netns("server");
        sw6.ip("link", "add", "br0", "type", "bridge");
        sw6.up("br0");
        sw4.ip("link", "add", "br0", "type", "bridge");
        sw4.up("br0");

        lab.link(client, "eth0", router, "cl0");
        client.addr("eth0", CLIENT + "/64").ip("-6", "route", "add", "default", "via", "2001:db8:c::1");
        router.addr("cl0", "2001:db8:c::1/64").sysctl("net.ipv6.conf.all.forwarding", "1");
        bridge(lab, sw6, "p-router", router, LAN_IF);
        router.addr(LAN_IF, ROUTER_LAN + "/64");

        bridge(lab, sw4, "p-server", server, "eth0");
        server.addr("eth0", SERVER4_GATEWAY + "/24");
        for (String t : TARGETS4) {
            server.addr("lo", t + "/32");
        }

        List<Gateway> gws = new ArrayList<>();
        for (int i = 0; i < o.gateways().size(); i++) {
            gws.add(gateway(lab, o, sw6, sw4, server, o.gateways().get(i), i));
        }
        for (String t : TARGETS4) {
            UdpStream.echo(server, t);
        }
        String conf = o.router().isBird() ? birdConfig(o, gws) : frrConfig(o, gws);
        UpstreamRouter upstream = UpstreamRouter.start(router, o.router(), conf);
        return new Nat64Lab(lab, o, client, router, server, sw6, List.copyOf(gws), upstream, conf);
    }

    private static Gateway gateway(Lab lab, Options o, Netns sw6, Netns sw4, Netns server, String name, int i) {
        char letter = (char) ('a' + i);
        Netns gw = lab.netns(name);
        gw.sysctl("net.ipv6.conf.all.forwarding", "1").sysctl("net.ipv4.ip_forward", "1");
        bridge(lab, sw6, "p-" + name, gw, LAN_IF);
        bridge(lab, sw4, "q-" + name, gw, IPV4_IF);
        String lan = "2001:db8:ff::" + letter;
        String v4 = "100.64.0." + (2 + i);
        String pool = "100.64." + (10 + i) + ".0/24";
        gw.addr(LAN_IF, lan + "/64").addr(IPV4_IF, v4 + "/24");
        gw.ip("-6", "route", "add", "default", "via", ROUTER_LAN);
        gw.ip("route", "add", "default", "via", SERVER4_GATEWAY);
        server.ip("route", "add", pool, "via", v4);
        Tayga tayga = Tayga.start(gw, new Tayga.Config(TUN, "100.64." + (10 + i) + ".1", PREFIX, pool,
                "2001:db8:" + letter + "0::64"));
        Netns probe = null;
        String probeAddr = null;
        String probeGw = null;
        if (o.probeNamespaces()) {
            probe = lab.netns("p" + name);
            lab.link(probe, "eth0", gw, PROBE_IF);
            probeAddr = "2001:db8:" + letter + "1::2";
            probeGw = "2001:db8:" + letter + "1::1";
            gw.addr(PROBE_IF, probeGw + "/64");
            probe.addr("eth0", probeAddr + "/64").ip("-6", "route", "add", "default", "via", probeGw);
        }
        return new Gateway(name, i, gw, probe, tayga, lan, v4, pool, probeAddr, probeGw);
    }

    /** A veth from the bridge namespace's br0 to {@code ifname} in {@code ns}. */
    private static void bridge(Lab lab, Netns sw, String port, Netns ns, String ifname) {
        lab.link(sw, port, ns, ifname);
        sw.ip("link", "set", port, "master", "br0");
    }

    static String birdConfig(Options o, List<Gateway> gws) {
        StringBuilder b = new StringBuilder();
        b.append("router id 10.255.0.1;\n");
        b.append("protocol device {}\n");
        b.append("protocol kernel { ipv6 { export all; }; merge paths on; }\n");
        b.append("protocol bfd {\n  interface \"").append(LAN_IF).append("\" {\n")
                .append("    min rx interval ").append(o.bfd().minRx().toMillis()).append(" ms;\n")
                .append("    min tx interval ").append(o.bfd().minTx().toMillis()).append(" ms;\n")
                .append("    idle tx interval 1000 ms;\n")
                .append("    multiplier ").append(o.bfd().multiplier()).append(";\n  };\n}\n");
        if (o.routing() == Routing.ECMP) {
            b.append("protocol static nat64 {\n  ipv6;\n  route ").append(PREFIX);
            for (Gateway g : gws) {
                b.append("\n    via ").append(g.lanAddress()).append(" bfd");
            }
            b.append(";\n}\n");
        } else {
            for (Gateway g : gws) {
                b.append("protocol static via_").append(g.name()).append(" {\n  ipv6 { preference ")
                        .append(200 - 10 * g.index()).append("; };\n  route ").append(PREFIX).append(" via ")
                        .append(g.lanAddress()).append(" bfd;\n}\n");
            }
        }
        if (o.lastResort()) {
            // As render-router-config renders it, one per gateway: kernel `merge paths` makes them one ECMP route.
            for (Gateway g : gws) {
                b.append("protocol static xlat_nat64_last_resort_").append(g.name()).append(" {\n  ipv6 { preference 1; };\n")
                        .append("  route ").append(PREFIX).append(" via ").append(g.lanAddress()).append(";\n}\n");
            }
        }
        return b.toString();
    }

    /**
     * FRR 10's side of the same topology: one BFD profile with the router's timers, and one
     * static route per gateway tracked by BFD with that profile (a plain {@code bfd} would
     * negotiate FRR's default 300 ms). Primary/backup by administrative distance (gwa 10,
     * gwb 20, ...), ECMP by equal distances.
     */
    static String frrConfig(Options o, List<Gateway> gws) {
        StringBuilder b = new StringBuilder();
        b.append("ipv6 forwarding\n");
        b.append("bfd\n profile lab\n")
                .append("  detect-multiplier ").append(o.bfd().multiplier()).append('\n')
                .append("  receive-interval ").append(o.bfd().minRx().toMillis()).append('\n')
                .append("  transmit-interval ").append(o.bfd().minTx().toMillis()).append('\n')
                .append(" exit\nexit\n");
        for (Gateway g : gws) {
            int distance = o.routing() == Routing.ECMP ? 10 : 10 + 10 * g.index();
            b.append("ipv6 route ").append(PREFIX).append(' ').append(g.lanAddress()).append(' ').append(distance)
                    .append(" bfd profile lab\n");
        }
        if (o.lastResort()) {
            // As render-router-config renders it: no BFD, distance 250 (below every tracked route),
            // via the gateway on the interface: to the same next hop without it, FRR would replace
            // the BFD-tracked route instead of keeping both.
            for (Gateway g : gws) {
                b.append("ipv6 route ").append(PREFIX).append(' ').append(g.lanAddress()).append(' ').append(LAN_IF)
                        .append(" 250\n");
            }
        }
        return b.toString();
    }

    public Lab lab() {
        return lab;
    }

    /**
     * Another host on the router-gateway LAN (a namespace {@code role} with {@code address}
     * on its {@value #LAN_IF}), that is no configured peer of anyone: for floods of junk.
     */
    public Netns lanHost(String role, String address) {
        Netns ns = lab.netns(role);
        bridge(lab, sw6, "p-" + role, ns, LAN_IF);
        ns.addr(LAN_IF, address + "/64");
        return ns;
    }

    public synchronized Options options() {
        return options;
    }

    public Netns client() {
        return client;
    }

    public Netns router() {
        return router;
    }

    public Netns server() {
        return server;
    }

    /** The router, whichever it is. */
    public synchronized UpstreamRouter upstream() {
        return upstream;
    }

    /**
     * Stops the router and starts {@code kind} in its place, with the same topology and
     * options (the gateways' BFD sessions go Down and come back Up with the new router).
     */
    public synchronized void replaceRouter(UpstreamRouter.Kind kind) {
        upstream.close();
        options = options.withRouter(kind);
        routerConfig = kind.isBird() ? birdConfig(options, gateways) : frrConfig(options, gateways);
        upstream = UpstreamRouter.start(router, kind, routerConfig);
    }

    /** The BIRD router; throws when the router is FRR. */
    public synchronized Bird bird() {
        return upstream.bird();
    }

    /** The router's config as started (bird.conf, or the frr.conf vtysh applied). */
    public synchronized String routerConfig() {
        return routerConfig;
    }


    public List<Gateway> gateways() {
        return gateways;
    }

    public Gateway gateway(String name) {
        return gateways.stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no gateway " + name));
    }

    /** The gateway whose pool contains {@code ipv4} (the source the server saw), or null. */
    public Gateway gatewayOfPoolAddress(String ipv4) {
        for (Gateway g : gateways) {
            String net = g.pool4().substring(0, g.pool4().lastIndexOf('.') + 1);
            if (ipv4.startsWith(net)) {
                return g;
            }
        }
        return null;
    }

    /** The next hops the router's kernel uses for the NAT64 prefix now (empty when withdrawn). */
    public List<String> routerNextHops() {
        String out = router.ip("-6", "route", "show", PREFIX);
        List<String> hops = new ArrayList<>();
        String[] tok = out.split("\\s+");
        for (int i = 0; i + 1 < tok.length; i++) {
            if (tok[i].equals("via")) {
                hops.add(tok[i + 1]);
            }
        }
        return hops;
    }

    /** The names of the gateways the router sends NAT64 traffic to now. */
    public List<String> routerGateways() {
        List<String> names = new ArrayList<>();
        for (String hop : routerNextHops()) {
            for (Gateway g : gateways) {
                if (g.lanAddress().equalsIgnoreCase(hop)) {
                    names.add(g.name());
                }
            }
        }
        return names;
    }
}
