package dev.xlatsentinel.systemd.units;

import dev.xlatsentinel.lab.Bird;
import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.lab.SystemdContainer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/**
 * The network one agent works in, built inside the test container: the smallest that makes
 * READY=1, STATUS= and BFD state mean something.
 *
 * <pre>
 *   gateway: the container's own netns, or netns NAME        router: netns rtr (netns@rtr)
 *   ┌──────────────────────────────────────────┐            ┌──────────────────────────┐
 *   │ xlat-sentinel        up0 2001:db8:ff:N::a ├── veth ────┤ rtN 2001:db8:ff:N::1     │
 *   │ TAYGA (TUN nat64): 64:ff9b::/96 ⇄ pool   │            │ BIRD 2: static route     │
 *   │   100.64.10.0/24                         │            │ 64:ff9b::/96 via ::a bfd │
 *   │ lo 100.64.100.10 (the probe's target)    │            └──────────────────────────┘
 *   └──────────────────────────────────────────┘
 * </pre>
 *
 * The agent's ICMP probe to 64:ff9b::100.64.100.10 crosses TAYGA both ways without leaving
 * the gateway (TAYGA, unlike netfilter Jool, translates traffic that starts in its own
 * namespace), so a stopped translator fails it. BIRD is the router that the agent's native BFD
 * session tells: its route to the prefix follows the session.
 */
final class GatewayLab {
    static final String ROUTER_NETNS = "rtr";
    static final String ROUTER_UNIT = "lab-router.service";
    static final String PREFIX = "64:ff9b::/96";
    static final String TARGET4 = "100.64.100.10";
    static final String UPLINK = "up0";
    static final String TUN = "nat64";
    private static final String BIRD_CONF = "/etc/lab/bird.conf";
    private static final String BIRD_SOCKET = "/run/lab-bird.ctl";
    private static final String UPLINK_SCRIPT = "/usr/local/sbin/lab-uplink";

    /**
     * @param index  numbers the gateway's link to the router (2001:db8:ff:INDEX::/64)
     * @param netns  the gateway's network namespace, null for the container's own
     * @param secret the BFD key both sides use (meticulous keyed SHA1, key ID 1), or null
     */
    record Gateway(int index, String netns, String secret) {
        String address() {
            return "2001:db8:ff:" + index + "::a";
        }

        String routerAddress() {
            return "2001:db8:ff:" + index + "::1";
        }
    }

    private final Gateway gw;
    private UnitsTestbed bed;

    GatewayLab(Gateway gw) {
        this.gw = gw;
    }

    Gateway gateway() {
        return gw;
    }

    /**
     * Stages the router's config and unit and the gateway's uplink: a oneshot unit for the
     * container's own namespace, or a drop-in that makes {@code netns@NAME} configure its
     * namespace before it counts as started (as a gateway's namespace unit would move its
     * NIC in), so units ordered after it find their addresses.
     */
    void stage(SystemdContainer.Builder b) {
        b.file(BIRD_CONF, birdConfig());
        b.executable(UPLINK_SCRIPT, """
                #!/bin/sh
                # lab-uplink NETNS INDEX: a veth from the gateway (NETNS, or - for this namespace)
                # to the router's namespace rtr, the gateway's addresses, and the probe target.
                set -eu
                ns=$1 i=$2
                if [ "$ns" = - ]; then
                  ip link add up0 type veth peer name "rt$i" netns rtr
                  gw=ip
                else
                  ip link add up0 netns "$ns" type veth peer name "rt$i" netns rtr
                  gw="ip -n $ns"
                fi
                $gw link set lo up
                $gw link set up0 up
                $gw addr add "2001:db8:ff:$i::a/64" dev up0 nodad
                $gw addr add %s/32 dev lo
                ip -n rtr link set "rt$i" up
                ip -n rtr addr add "2001:db8:ff:$i::1/64" dev "rt$i" nodad
                """.formatted(TARGET4));
        b.file("/etc/systemd/system/" + ROUTER_UNIT, """
                [Unit]
                Description=Test router: BIRD 2 in network namespace rtr
                BindsTo=netns@rtr.service
                After=netns@rtr.service

                [Service]
                NetworkNamespacePath=/run/netns/rtr
                ExecStart=/usr/sbin/bird -f -c %s -s %s -P /run/lab-bird.pid
                """.formatted(BIRD_CONF, BIRD_SOCKET));
        if (gw.netns() == null) {
            b.file("/etc/systemd/system/lab-uplink.service", """
                    [Unit]
                    Description=Test gateway: this namespace's link to the router
                    BindsTo=netns@rtr.service
                    After=netns@rtr.service

                    [Service]
                    Type=oneshot
                    RemainAfterExit=yes
                    ExecStart=%s - %d
                    """.formatted(UPLINK_SCRIPT, gw.index()));
        } else {
            b.file("/etc/systemd/system/netns@" + gw.netns() + ".service.d/uplink.conf", """
                    [Unit]
                    Requires=netns@rtr.service
                    After=netns@rtr.service

                    [Service]
                    ExecStartPost=%s %s %d
                    """.formatted(UPLINK_SCRIPT, gw.netns(), gw.index()));
        }
    }

    /** Starts the router (and the uplink of the container's own namespace); waits until BIRD answers. */
    void start(UnitsTestbed bed) {
        this.bed = bed;
        bed.systemctl("start", ROUTER_UNIT).orThrow();
        if (gw.netns() == null) {
            bed.systemctl("start", "lab-uplink.service").orThrow();
        }
        Poll.until(Duration.ofSeconds(30), Duration.ofMillis(100), "BIRD answers on " + BIRD_SOCKET,
                () -> birdc("show", "status").ok(), () -> bed.container().journal(ROUTER_UNIT));
    }

    /** The router's BFD session to the gateway, if BIRD has one (it has while the link exists). */
    Optional<Bird.BfdSessionRow> session() {
        Cmd.Result r = birdc("show", "bfd", "sessions");
        return r.ok() ? Bird.parseBfdSessions(r.stdout()).stream().filter(s -> sameAddress(s.address(), gw.address()))
                .findFirst() : Optional.empty();
    }

    /** The router's BFD session state toward the gateway ("Up", "Down", "Init", or "none"). */
    String sessionState() {
        return session().map(Bird.BfdSessionRow::state).orElse("none");
    }

    /** True while the router routes the NAT64 prefix to the gateway (BFD Up). */
    boolean routed() {
        return Bird.showsRoute(birdc("show", "route", PREFIX).stdout(), PREFIX);
    }

    /** Waits until the router's session is (or is not) Up; a timeout shows what BIRD and the agent said. */
    void awaitSession(boolean up, Duration timeout, String agentUnit) {
        Poll.until(timeout, Duration.ofMillis(100), "BIRD's BFD session to " + gw.address() + (up ? " Up" : " not Up"),
                () -> sessionState().equals("Up") == up,
                () -> birdc("show", "bfd", "sessions").stdout() + "\n" + bed.container().journal(agentUnit));
    }

    /** BIRD prints addresses in RFC 5952 form; compare them as addresses, not text. */
    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    Cmd.Result birdc(String... command) {
        String[] argv = new String[command.length + 3];
        argv[0] = "birdc";
        argv[1] = "-s";
        argv[2] = BIRD_SOCKET;
        System.arraycopy(command, 0, argv, 3, command.length);
        return bed.container().exec(argv);
    }

    /** TAYGA's config: the NAT64 prefix to the dynamic pool, on TUN nat64. */
    static String taygaConfig(String dataDir) {
        return """
                tun-device %s
                ipv4-addr 100.64.10.1
                prefix %s
                dynamic-pool 100.64.10.0/24
                data-dir %s
                """.formatted(TUN, PREFIX, dataDir);
    }

    /**
     * The agent's config for this gateway: one instance (TAYGA: the ICMP datapath probe and
     * TAYGA's own signals) and one service with a native BFD session to the router. Timing is
     * tolerant (a loaded 2-core machine must never fail a healthy gateway); no flap damping,
     * no minimum hold, so each test starts from a clean policy.
     *
     * @param secretFile    where the agent reads the BFD key (when the gateway has one)
     * @param agentSettings extra lines of the {@code agent:} section (indented two spaces), or ""
     * @param multiplier    the session's detection multiplier (0 makes the config invalid)
     */
    String agentConfig(String taygaPidFile, String secretFile, String agentSettings, int multiplier) {
        return agentConfig(taygaPidFile, secretFile, agentSettings, multiplier, "", "");
    }

    /** The same with one more probe of the instance ({@code probe}: a YAML flow mapping). */
    String agentConfigWithProbe(String taygaPidFile, String secretFile, String probe) {
        return agentConfig(taygaPidFile, secretFile, "", 3, "", "      - " + probe + "\n");
    }

    /**
     * The same for an agent that runs outside the gateway's namespace and enters it (setns(2))
     * for its probes and its BFD socket.
     */
    String agentConfigEnteringTheNamespace(String taygaPidFile) {
        return agentConfig(taygaPidFile, null, "", 3, ", namespace: " + gw.netns(), "");
    }

    private String agentConfig(String taygaPidFile, String secretFile, String agentSettings, int multiplier,
            String namespace, String extraProbes) {
        String auth = gw.secret() == null ? ""
                : ", auth: {type: meticulous-keyed-sha1, keyId: 1, secretFile: " + secretFile + "}";
        return """
                # Test container: TAYGA probed end to end and by its own signals, BFD to BIRD in netns rtr.
                agent:
                  shutdownGrace: 3s
                  damping: {minHold: 0s, penalty: 0}
                %sinstances:
                  tayga:
                    %shealth: {interval: 500ms, fastInterval: 100ms, timeout: 300ms, rise: 2, fall: 3}
                    probes:
                      - {type: icmp, prefix: %s, targets: [%s]%s}
                      - {type: tayga, pidFile: %s, tun: %s}
                %sservices:
                  nat64:
                    dependsOn: [tayga]
                    prefixes: [%s]
                    bfd:
                      - {peer: %s, local: %s, interface: %s, minTx: 300ms, multiplier: %d%s%s}
                """.formatted(agentSettings, namespace.isEmpty() ? "" : "namespace: " + gw.netns() + "\n    ",
                PREFIX, TARGET4, namespace, taygaPidFile, TUN, extraProbes, PREFIX, gw.routerAddress(), gw.address(),
                UPLINK, multiplier, auth, namespace);
    }

    private String birdConfig() {
        String auth = gw.secret() == null ? ""
                : "\n    authentication meticulous keyed sha1; password \"" + gw.secret() + "\" { id 1; };";
        return """
                # The router: a static route to the NAT64 prefix via the gateway, tracked by BFD.
                router id 10.255.0.1;
                protocol device { }
                protocol bfd {
                  interface "rt*" {
                    min rx interval 300 ms; min tx interval 300 ms; idle tx interval 300 ms; multiplier 3;%s
                  };
                }
                protocol static {
                  ipv6;
                  route %s via %s bfd;
                }
                """.formatted(auth, PREFIX, gw.address());
    }
}
