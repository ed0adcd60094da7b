package dev.xlatsentinel.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The scale-out topology: N gateways behind one router, each with one or more TAYGA
 * instances, each instance with its own TUN, its own IPv4 pool and its own address on the
 * gateways' LAN (its next hop, and its BFD session's local address):
 *
 * <pre>
 *  client6 ── router ── sw6 (LAN 2001:db8:ff::/64) ──┬── gwa: lower ::a1, upper ::a2 ──┬── sw4 ── server4
 *  2001:db8:c::2  ::1                                 └── gwb: lower ::b1, upper ::b2 ──┘   100.64.0.254
 *                       probe namespaces: pgwa → gwa, pgwb → gwb      gateways 100.64.0.2, .3, ...
 * </pre>
 *
 * Inside a gateway, traffic reaches the instance for its IPv4 destination by plain
 * destination routing: the part of the NAT64 prefix an instance translates (64:ff9b::/97 for
 * 0.0.0.0/1) is routed to its TUN, and its pool back to it. That is what Jool's iptables
 * rules do in the seed's layout ({@code -d 64:ff9b::/97 -j JOOL --instance lower}); with
 * TAYGA, one process per TUN, the kernel's routing table is the steering. With a single
 * instance per gateway it is named "nat64" and its address is {@code ::a}, {@code ::b}, ...
 *
 * <p>Instance {@code j} of gateway {@code i} translates with pool 100.64.(10+4i+j).0/24, so
 * the IPv4 source the server sees names the instance. IPv4 targets live on the server's
 * loopback, one block of addresses per first octet ({@link #unicastOctet}); the router starts
 * later, with whatever config the test gives it ({@link #startRouter}), so a test can render
 * it from the gateways' configs first.
 */
public final class ScaleOutLab {
    public static final String PREFIX = Nat64Lab.PREFIX;
    public static final String ROUTER_LAN = Nat64Lab.ROUTER_LAN;
    public static final String CLIENT = Nat64Lab.CLIENT;
    public static final String LAN_IF = Nat64Lab.LAN_IF;
    public static final String IPV4_IF = Nat64Lab.IPV4_IF;
    public static final String PROBE_IF = Nat64Lab.PROBE_IF;
    public static final String SERVER4_GATEWAY = Nat64Lab.SERVER4_GATEWAY;

    /**
     * One translator instance on every gateway: its name and the IPv4 destinations it takes
     * ({@code firstOctet.0.0.0/length}, length 0 to 8).
     */
    public record InstanceSpec(String name, int firstOctet, int length) {
        /** One instance for all destinations. */
        public static final InstanceSpec ALL = new InstanceSpec("nat64", 0, 0);
        /** The seed's halves. */
        public static final List<InstanceSpec> HALVES = List.of(new InstanceSpec("lower", 0, 1),
                new InstanceSpec("upper", 128, 1));

        public String destinations() {
            return firstOctet + ".0.0.0/" + length;
        }

        /** The part of the /96 NAT64 prefix these destinations are. */
        public String nat64Prefix() {
            return ScaleOutLab.nat64Prefix(firstOctet, length);
        }

        public boolean holds(int octet) {
            return (octet & ~(0xff >> length) & 0xff) == firstOctet;
        }
    }

    public record Options(List<String> gateways, List<InstanceSpec> instances, Nat64Lab.RouterBfd bfd) {
        public Options {
            gateways = List.copyOf(gateways);
            instances = List.copyOf(instances);
        }
    }

    /**
     * One instance on one gateway.
     *
     * @param lanAddress   its next hop: the router routes its destinations here
     * @param probeTargets two IPv4 addresses in its destinations, for its datapath probes
     */
    public record Instance(String gateway, String name, InstanceSpec spec, String lanAddress, String pool4,
            String tun, Tayga tayga, List<String> probeTargets) {
        /** "gwa/lower", or "gwa" for a gateway's single instance. */
        public String label() {
            return name.equals(InstanceSpec.ALL.name()) ? gateway : gateway + "/" + name;
        }

        /** The service in the agent's config that stands for this instance. */
        public String service() {
            return name.equals(InstanceSpec.ALL.name()) ? "nat64" : "nat64-" + name;
        }

        /** Kills TAYGA (SIGKILL): the translator is gone, its TUN and routes stay. */
        public void kill() {
            tayga.daemon().signal("KILL");
            tayga.daemon().awaitExit(Duration.ofSeconds(5));
        }

        public void restart() {
            tayga.startDaemon();
        }
    }

    public record Gateway(String name, int index, Netns ns, Netns probe, String ipv4Address, List<Instance> instances) {
        public String letter() {
            return Character.toString((char) ('a' + index));
        }
    }

    private final Lab lab;
    private final Options options;
    private final Netns client;
    private final Netns router;
    private final Netns server;
    private final List<Gateway> gateways;
    private final Set<String> targets = new LinkedHashSet<>();
    private UpstreamRouter upstream;

    private ScaleOutLab(Lab lab, Options options, Netns client, Netns router, Netns server, List<Gateway> gateways) {
        this.lab = lab;
        this.options = options;
        this.client = client;
        this.router = router;
        this.server = server;
        this.gateways = gateways;
    }

    /** Builds everything but the router's daemon. */
    public static ScaleOutLab build(Lab lab, Options o) {
        if (o.gateways().isEmpty() || o.gateways().size() > 8 || o.instances().isEmpty() || o.instances().size() > 4) {
            throw new IllegalArgumentException("1 to 8 gateways, 1 to 4 instances each");
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
        router.addr("cl0", "2001:db8:c::1/64").sysctl("net.ipv6.conf.all.forwarding", "1")
                // ECMP by 5-tuple (as routers hash), not by addresses and flow label.
                .sysctl("net.ipv6.fib_multipath_hash_policy", "1");
        bridge(lab, sw6, "p-router", router, LAN_IF);
        router.addr(LAN_IF, ROUTER_LAN + "/64");
        bridge(lab, sw4, "p-server", server, "eth0");
        server.addr("eth0", SERVER4_GATEWAY + "/24");
        List<Gateway> gws = new ArrayList<>();
        for (int i = 0; i < o.gateways().size(); i++) {
            gws.add(gateway(lab, o, sw6, sw4, server, o.gateways().get(i), i));
        }
        ScaleOutLab l = new ScaleOutLab(lab, o, client, router, server, List.copyOf(gws));
        for (Gateway g : gws) {
            for (Instance in : g.instances()) {
                l.addTargets(in.probeTargets());
            }
        }
        return l;
    }

    private static Gateway gateway(Lab lab, Options o, Netns sw6, Netns sw4, Netns server, String name, int i) {
        String letter = Character.toString((char) ('a' + i));
        Netns gw = lab.netns(name);
        gw.sysctl("net.ipv6.conf.all.forwarding", "1").sysctl("net.ipv4.ip_forward", "1");
        bridge(lab, sw6, "p-" + name, gw, LAN_IF);
        bridge(lab, sw4, "q-" + name, gw, IPV4_IF);
        String v4 = "100.64.0." + (2 + i);
        gw.addr(IPV4_IF, v4 + "/24");
        gw.ip("route", "add", "default", "via", SERVER4_GATEWAY);
        List<Instance> instances = new ArrayList<>();
        boolean single = o.instances().size() == 1;
        for (int j = 0; j < o.instances().size(); j++) {
            InstanceSpec spec = o.instances().get(j);
            String lan = "2001:db8:ff::" + letter + (single ? "" : Integer.toString(j + 1));
            gw.addr(LAN_IF, lan + "/64");
            int net = 10 + 4 * i + j;
            String pool = "100.64." + net + ".0/24";
            server.ip("route", "add", pool, "via", v4);
            String tun = single ? "nat64" : "nat64-" + spec.name();
            Tayga t = Tayga.start(gw, new Tayga.Config(tun, "100.64." + net + ".1", PREFIX, pool,
                    "2001:db8:" + letter + "0::" + Integer.toHexString(0x64 + j)), spec.nat64Prefix());
            Integer octet = unicastOctet(spec.firstOctet(), spec.length());
            if (octet == null) {
                throw new IllegalArgumentException(spec.destinations() + " holds no unicast address to probe");
            }
            instances.add(new Instance(name, spec.name(), spec, lan, pool, tun, t,
                    List.of(octet + ".100.0.10", octet + ".100.0.11")));
        }
        gw.ip("-6", "route", "add", "default", "via", ROUTER_LAN);
        Netns probe = lab.netns("p" + name);
        lab.link(probe, "eth0", gw, PROBE_IF);
        gw.addr(PROBE_IF, "2001:db8:" + letter + "1::1/64");
        probe.addr("eth0", "2001:db8:" + letter + "1::2/64").ip("-6", "route", "add", "default", "via",
                "2001:db8:" + letter + "1::1");
        return new Gateway(name, i, gw, probe, v4, List.copyOf(instances));
    }

    private static void bridge(Lab lab, Netns sw, String port, Netns ns, String ifname) {
        lab.link(sw, port, ns, ifname);
        sw.ip("link", "set", port, "master", "br0");
    }

    /**
     * A first octet inside {@code firstOctet.0.0.0/length} whose addresses TAYGA translates
     * with the well-known prefix: not 0, 10, 100 (the lab's own), 127, 169, 172, 192, 198,
     * 203 (RFC 6052 §3.1: private, link-local and documentation ranges) and below 224
     * (multicast, reserved); null when the block has none.
     */
    public static Integer unicastOctet(int firstOctet, int length) {
        int size = 1 << (8 - length);
        for (int o = firstOctet + (size > 1 ? 1 : 0); o < firstOctet + size; o++) {
            if (o < 224 && !Set.of(0, 10, 100, 127, 169, 172, 192, 198, 203).contains(o)) {
                return o;
            }
        }
        return null;
    }

    /** The part of 64:ff9b::/96 holding the IPv4 destinations {@code firstOctet.0.0.0/length}. */
    public static String nat64Prefix(int firstOctet, int length) {
        return (firstOctet == 0 ? "64:ff9b::" : "64:ff9b::" + Integer.toHexString(firstOctet << 8) + ":0") + "/"
                + (96 + length);
    }

    /** Puts IPv4 targets on the server's loopback, each with a {@link FlowSet} echo. */
    public void addTargets(List<String> ipv4s) {
        for (String t : ipv4s) {
            if (targets.add(t)) {
                server.addr("lo", t + "/32");
                FlowSet.echo(server, t);
            }
        }
    }

    /** Starts the router with {@code config} (a whole bird.conf, or an frr.conf vtysh applies). */
    public UpstreamRouter startRouter(UpstreamRouter.Kind kind, String config) {
        if (upstream != null) {
            throw new IllegalStateException("the router runs already");
        }
        upstream = UpstreamRouter.start(router, kind, config);
        return upstream;
    }

    /**
     * A whole bird.conf around a rendered file, the operator's way: router id, device and
     * kernel protocols ({@code merge paths} for ECMP), and the rendered file included unchanged.
     */
    public static String birdConfigIncluding(Path rendered) {
        return "router id 10.255.0.1;\nprotocol device {}\nprotocol kernel { ipv6 { export all; }; merge paths on; }\n"
                + "include \"" + rendered + "\";\n";
    }

    /**
     * Plain ECMP, for comparison: one route to the whole prefix via every gateway's (single)
     * instance, each next hop tracked by BFD; the kernel hashes flows over the next hops.
     */
    public String ecmpBirdConfig() {
        StringBuilder b = new StringBuilder();
        b.append("router id 10.255.0.1;\nprotocol device {}\n");
        b.append("protocol kernel { ipv6 { export all; }; merge paths on; }\n");
        b.append("protocol bfd {\n  interface \"").append(LAN_IF).append("\" {\n")
                .append("    min rx interval ").append(options.bfd().minRx().toMillis()).append(" ms;\n")
                .append("    min tx interval ").append(options.bfd().minTx().toMillis()).append(" ms;\n")
                .append("    multiplier ").append(options.bfd().multiplier()).append(";\n  };\n}\n");
        for (InstanceSpec spec : options.instances()) {
            b.append("protocol static ecmp_").append(spec.name()).append(" {\n  ipv6;\n  route ")
                    .append(spec.nat64Prefix());
            for (Gateway g : gateways) {
                for (Instance in : g.instances()) {
                    if (in.spec().equals(spec)) {
                        b.append("\n    via ").append(in.lanAddress()).append(" bfd");
                    }
                }
            }
            b.append(";\n}\n");
        }
        return b.toString();
    }

    /**
     * A config for the agent on {@code g}: per instance its probes (ICMP through the NAT64 to
     * its own targets from the gateway's probe namespace, and TAYGA's own signals) and a
     * service with one BFD session from its next hop; {@code partitions} (YAML, or null) appended.
     */
    public String agentConfig(Gateway g, Nat64Lab.AgentTuning t, Path socket, String partitions) {
        StringBuilder b = new StringBuilder();
        b.append("agent:\n  controlSocket: ").append(socket).append('\n')
                .append("  maintenanceFile: ").append(lab.dir().resolve(g.name() + ".maintenance")).append('\n')
                .append("  shutdownGrace: 2s\n");
        if (t.minHold() != null) {
            b.append("  damping: {minHold: ").append(t.minHold().toMillis()).append("ms")
                    .append(t.damping() ? "" : ", penalty: 0").append("}\n");
        }
        b.append("instances:\n");
        for (Instance in : g.instances()) {
            b.append("  ").append(in.name()).append(":\n    namespace: ").append(g.ns().name()).append('\n')
                    .append("    probeNamespace: {name: ").append(g.probe().name()).append("}\n")
                    .append("    health: {interval: ").append(ms(t.interval())).append(", fastInterval: ")
                    .append(ms(t.fastInterval())).append(", timeout: ").append(ms(t.timeout())).append(", rise: ")
                    .append(t.rise()).append(", fall: ").append(t.fall()).append("}\n")
                    .append("    probes:\n")
                    .append("      - {type: icmp, prefix: ").append(PREFIX).append(", targets: [")
                    .append(String.join(", ", in.probeTargets())).append("], required: 1}\n")
                    .append("      - {type: tayga, pidFile: ").append(in.tayga().pidFile()).append(", tun: ")
                    .append(in.tun()).append("}\n");
        }
        b.append("services:\n");
        for (Instance in : g.instances()) {
            b.append("  ").append(in.service()).append(":\n    dependsOn: [").append(in.name()).append("]\n")
                    .append("    prefixes: [").append(in.spec().nat64Prefix()).append("]\n")
                    .append("    bfd:\n      - {peer: ").append(ROUTER_LAN).append(", local: ").append(in.lanAddress())
                    .append(", interface: ").append(LAN_IF).append(", namespace: ").append(g.ns().name())
                    .append(", minTx: ").append(ms(t.bfdInterval())).append(", multiplier: ").append(t.bfdMultiplier())
                    .append("}\n");
        }
        if (partitions != null) {
            b.append(partitions);
        }
        return b.toString();
    }

    /** The {@code partitions:} section naming every gateway's instances, in {@code parts} parts. */
    public String partitionsConfig(int parts) {
        StringBuilder b = new StringBuilder("partitions:\n  prefix: ").append(PREFIX).append("\n  parts: ").append(parts)
                .append("\n  gateways:\n");
        for (Gateway g : gateways) {
            b.append("    ").append(g.name()).append(":\n");
            for (Instance in : g.instances()) {
                b.append("      - {nextHop: ").append(in.lanAddress()).append(", destinations: ")
                        .append(in.spec().destinations()).append("}\n");
            }
        }
        return b.toString();
    }

    private static String ms(Duration d) {
        return d.toNanos() % 1_000_000 == 0 ? d.toMillis() + "ms" : d.toNanos() / 1000 + "us";
    }

    public Lab lab() {
        return lab;
    }

    public Options options() {
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

    public UpstreamRouter upstream() {
        if (upstream == null) {
            throw new IllegalStateException("the router has not started");
        }
        return upstream;
    }

    public List<Gateway> gateways() {
        return gateways;
    }

    public Gateway gateway(String name) {
        return gateways.stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no gateway " + name));
    }

    public List<Instance> instances() {
        return gateways.stream().flatMap(g -> g.instances().stream()).toList();
    }

    /** The instance whose next hop is {@code lanAddress}, or null. */
    public Instance instanceAt(String lanAddress) {
        return instances().stream().filter(in -> in.lanAddress().equalsIgnoreCase(lanAddress)).findFirst().orElse(null);
    }

    /** The instance whose pool holds {@code ipv4} (the source the server saw), or null. */
    public Instance instanceOfPoolAddress(String ipv4) {
        for (Instance in : instances()) {
            if (ipv4 != null && ipv4.startsWith(in.pool4().substring(0, in.pool4().lastIndexOf('.') + 1))) {
                return in;
            }
        }
        return null;
    }

    /** The next hops the router's kernel uses for {@code prefix6} now (empty when it has no such route). */
    public List<String> nextHops(String prefix6) {
        String out = router.ip("-6", "route", "show", prefix6);
        List<String> hops = new ArrayList<>();
        String[] tok = out.split("\\s+");
        for (int i = 0; i + 1 < tok.length; i++) {
            if (tok[i].equals("via")) {
                hops.add(tok[i + 1]);
            }
        }
        return hops;
    }
}
