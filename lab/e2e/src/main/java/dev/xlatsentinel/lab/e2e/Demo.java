package dev.xlatsentinel.lab.e2e;

import dev.xlatsentinel.lab.AgentProcess;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Nat64Lab;
import dev.xlatsentinel.lab.UdpStream;
import dev.xlatsentinel.lab.UpstreamRouter;
import dev.xlatsentinel.platform.time.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The README's main command ({@code lab/demo}): brings the lab up (client, router, two
 * TAYGA gateways each with xlat-sentinel, IPv4 server), shows both sessions Up and traffic
 * through gwa, kills gwa's translator while a 1 ms UDP stream runs, prints the timeline
 * (fault, agent DOWN, BFD Down on the wire, route moved at the router, first packet via gwb,
 * loss window), plots it, repairs, and tears down ({@code --keep} leaves it up to explore).
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) throws IOException {
        boolean keep = List.of(args).contains("--keep");
        Path out = Path.of(option(args, "--out", "lab/out"));
        UpstreamRouter.Kind router = UpstreamRouter.Kind.byName(option(args, "--router", "bird2"));
        Files.createDirectories(out);
        String routerLabel = router.label();
        say("xlat-sentinel lab: IPv6-only client -> " + routerLabel
                + " router -> gwa | gwb (TAYGA + xlat-sentinel) -> IPv4 server");
        Nat64Lab.AgentTuning tuning = Nat64Lab.AgentTuning.FAST;
        say("settings: probes every " + Durations.format(tuning.interval()) + " (timeout "
                + Durations.format(tuning.timeout()) + ", fall " + tuning.fall() + ", rise " + tuning.rise() + "), BFD "
                + Durations.format(tuning.bfdInterval()) + " x "
                + tuning.bfdMultiplier());
        Lab lab = Lab.open("demo");
        Scenario s = null;
        boolean ok = false;
        try {
            say("\n== bringing the lab up (namespaces " + lab.prefix() + "-*)");
            s = Scenario.start(lab, Scenario.Mode.AGENT, tuning, new Nat64Lab.RouterBfd(tuning.bfdInterval(),
                    tuning.bfdInterval(), tuning.bfdMultiplier()), true, router);
            Nat64Lab n = s.lab();
            say("\n== the router (" + routerLabel + "): both BFD sessions Up, NAT64 prefix via gwa");
            print(n.upstream().bfdSessions());
            print(n.router().ip("-6", "route", "show", Nat64Lab.PREFIX));
            say("\n== xlat-sentinel status on gwa");
            print(s.agent("gwa").cli("status").orThrow());

            List<UdpStream.Packet> warm = UdpStream.run(n.client(), Nat64Lab.TARGETS6.get(0), 500,
                    Duration.ofMillis(1), Duration.ofMillis(300));
            Map<String, Long> via = warm.stream().filter(UdpStream.Packet::delivered)
                    .collect(Collectors.groupingBy(p -> gatewayOf(n).apply(p.via()), Collectors.counting()));
            say("\n== traffic: 500 datagrams at 1 ms from " + Nat64Lab.CLIENT + " to " + Nat64Lab.TARGETS6.get(0)
                    + ": answered via " + via + ", lost " + UdpStream.lost(warm));

            say("\n== breaking gwa's translator (TAYGA killed) while the stream runs");
            Trial t = s.trial(Fault.TAYGA_KILLED, Scenario.TrialSpec.of(Duration.ofMillis(500),
                    Duration.ofMillis(1500)));
            print(t.timeline().render(t.faultMicros()));
            say(String.format(Locale.ROOT, "loss window %.1f ms (%d datagrams at 1 ms); traffic %s", t.lossMs(),
                    t.lossWindow() == null ? 0 : t.lossWindow().lostCount(),
                    t.firstBackupMicros() > 0 ? "recovered through gwb" : "DID NOT RECOVER"));
            say("today's setup (FRR bfdd on the gateways) never withdraws a killed TAYGA: traffic is lost until "
                    + "it is repaired (docs/failover.md)");
            Path svg = out.resolve("failover-timeline.svg");
            Files.writeString(svg, TimelinePlot.svg("TAYGA killed on gwa: every datagram of the 1 ms stream",
                    t.packets(), List.of("gwa", "gwb"), gatewayOf(n), t.timeline(), t.faultMicros()));
            say("timeline plot: " + svg.toAbsolutePath());
            say(String.format(Locale.ROOT, "\n== repaired: TAYGA restarted; route back via gwa %.0f ms later, after "
                    + "rise %d", (t.routeBackMicros() - t.repairMicros()) / 1000.0, tuning.rise()));
            print(n.router().ip("-6", "route", "show", Nat64Lab.PREFIX));
            ok = t.firstBackupMicros() > 0;
            if (keep) {
                String teardown = lab.detach();
                say("\n== the lab stays up (--keep). Explore:");
                say("  ip netns exec " + lab.prefix() + "-client ping -c 3 " + Nat64Lab.TARGETS6.get(0));
                if (router.isBird()) {
                    // Debian 12's birdc reads BIRD 2.17 and 3.1 as well.
                    say("  birdc -s " + lab.dir().resolve(lab.prefix() + "-router-bird.ctl") + " show bfd sessions");
                } else {
                    // Debian 12's vtysh reads FRR 10.3's daemons for show commands.
                    say("  vtysh --vty_socket " + n.upstream().frr().vtyDir() + " -c 'show bfd peers'");
                }
                say("  " + AgentProcess.launcher() + " status -s " + AgentProcess.socketPath(lab, "gwa"));
                say("  " + AgentProcess.launcher() + " drain tayga --reason test -s "
                        + AgentProcess.socketPath(lab, "gwa"));
                say("  ip netns exec " + lab.prefix() + "-gwa kill $(cat " + n.gateway("gwa").tayga().pidFile()
                        + ")   # break it yourself");
                say("tear it down with: " + teardown);
            }
        } finally {
            if (!keep || !ok) {
                say("\n== tearing down");
                lab.close();
            }
        }
        System.exit(ok ? 0 : 1);
    }

    static Function<String, String> gatewayOf(Nat64Lab n) {
        return v4 -> {
            Nat64Lab.Gateway g = v4 == null ? null : n.gatewayOfPoolAddress(v4);
            return g == null ? "?" : g.name();
        };
    }

    private static String option(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    private static void say(String line) {
        System.out.println(line);
    }

    private static void print(String block) {
        for (String line : block.stripTrailing().split("\n")) {
            System.out.println("  " + line);
        }
    }
}
