package dev.xlatsentinel.agent.render;

import dev.xlatsentinel.agent.config.AgentConfig;
import dev.xlatsentinel.agent.config.BfdSessionConfig;
import dev.xlatsentinel.agent.config.KeyFile;
import dev.xlatsentinel.agent.config.PartitionsCheck;
import dev.xlatsentinel.agent.config.ServiceConfig;
import dev.xlatsentinel.agent.partition.PartitionPlan;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.platform.net.IpPrefix;
import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The upstream router's side of this gateway, derived from the agent's services: for each
 * service prefix a static route toward the service's BFD local address, tracked by BFD with
 * the same timers (and authentication) as the agent's session. Two dialects: BIRD 2 and 3
 * (static route {@code bfd} option plus a {@code protocol bfd} block) and FRR >= 8.5
 * ({@code ipv6 route P NH bfd profile X}, the profile carrying the agent's timers; 8.4 cannot
 * track static routes with BFD). Each prefix is routed only via sessions of its own family.
 * The output is applied verbatim by BIRD 2.0.12, 2.17, 3.1 and FRR 10.3 ({@code vtysh -f})
 * in the router matrix tests.
 *
 * <p>With a partition plan ({@code partitions:}), the services whose next hops the plan
 * names are rendered as the plan instead: every part to every gateway of the plan, in the
 * part's order ({@link PartitionRoutes}); the other services as above.
 *
 * <p>Secrets are not printed unless asked: the placeholder names the file to copy them from.
 */
public final class RouterConfig {
    /**
     * @param routerInterface the router's interface toward the gateways, for BIRD's
     *                        {@code interface} block (BIRD's options are per interface)
     * @param withSecrets     print authentication keys instead of placeholders
     */
    public record Options(String routerInterface, boolean withSecrets, boolean lastResort) {
        public Options {
            routerInterface = routerInterface == null ? "*" : routerInterface;
        }

        /** With the last-resort route (the default). */
        public Options(String routerInterface, boolean withSecrets) {
            this(routerInterface, withSecrets, true);
        }
    }

    /**
     * BIRD preference of the last-resort route: below every BFD-tracked route (BIRD's static
     * default is 200; a backup gateway's is lower but above this).
     */
    public static final int BIRD_LAST_RESORT_PREFERENCE = 1;
    /** FRR administrative distance of the last-resort route: the highest that is still installed. */
    public static final int FRR_LAST_RESORT_DISTANCE = 250;

    private record Timers(Duration minTx, Duration minRx, int multiplier, BfdSessionConfig.AuthConfig auth,
            boolean multihop) {
    }

    private RouterConfig() {
    }

    /** The services on their own (no partition plan). */
    public static String bird(Map<String, ServiceConfig> services, Options o) {
        return bird(services, Plan.NONE, o);
    }

    /** The whole config: its partition plan, if any, and its other services. */
    public static String bird(AgentConfig c, Options o) {
        return bird(c.services(), Plan.of(c), o);
    }

    /** The services on their own (no partition plan). */
    public static String frr(Map<String, ServiceConfig> services, Options o) {
        return frr(services, Plan.NONE, o);
    }

    /** The whole config: its partition plan, if any, and its other services. */
    public static String frr(AgentConfig c, Options o) {
        return frr(c.services(), Plan.of(c), o);
    }

    /**
     * A config's partition plan, with the services it routes and, for each part, this
     * gateway's session to its next hop for the part (whose timers stand for every gateway's).
     */
    private record Plan(PartitionPlan plan, java.util.Set<String> services, String self) {
        static final Plan NONE = new Plan(null, java.util.Set.of(), null);

        static Plan of(AgentConfig c) {
            PartitionsCheck.Result r = PartitionsCheck.check(c);
            if (!r.errors().isEmpty()) {
                throw new IllegalArgumentException("partitions: " + r.errors());
            }
            return r.plan() == null ? NONE : new Plan(r.plan(), r.services(), r.self());
        }

        BfdSessionConfig session(Map<String, ServiceConfig> all, PartitionPlan.PartRoute part) {
            String address = part.order().stream().filter(h -> h.gateway().equals(self)).findFirst().orElseThrow()
                    .address();
            for (String name : services) {
                for (BfdSessionConfig b : all.get(name).bfd()) {
                    if (IpAddresses.text(b.local()).equals(address)) {
                        return b;
                    }
                }
            }
            throw new IllegalStateException("no session from " + address);
        }
    }

    private static String bird(Map<String, ServiceConfig> services, Plan plan, Options o) {
        StringBuilder b = new StringBuilder();
        b.append("# BIRD 2 configuration for the upstream router, rendered by xlat-sentinel.\n");
        // BIRD 3's kernel protocol can leave a route change out of the kernel until its next
        // scan (measured in the lab: docs/interop.md, "BIRD 3"); the file cannot fix that.
        b.append("# BIRD 3 (3.0 to 3.3 at least) reads it too, but set a short `scan time` (e.g. 2) in\n");
        b.append("# your kernel protocol there: it can skip a route change until the next scan.\n");
        if (plan.plan() != null) {
            b.append("# The partition plan covers every gateway named in it: include this file as is.\n");
            b.append("# Other services: one static protocol each, as for a gateway without a plan.\n\n");
        } else {
            b.append("# One static protocol per service; give them different `preference` values for\n");
            b.append("# primary/backup across gateways, or one route with several `via ... bfd` next hops\n");
            b.append("# and `merge paths on` in the kernel protocol for ECMP.\n\n");
        }
        List<String> warnings = new ArrayList<>();
        Map<Timers, List<String>> groups = groups(services);
        Timers single = null;
        Timers multi = null;
        for (Map.Entry<Timers, List<String>> g : groups.entrySet()) {
            if (g.getKey().multihop()) {
                if (multi != null) {
                    warnings.add("sessions " + g.getValue() + " differ in timers or auth from other multihop "
                            + "sessions; BIRD has one multihop block: using the first");
                    continue;
                }
                multi = g.getKey();
            } else {
                if (single != null) {
                    warnings.add("sessions " + g.getValue() + " differ in timers or auth from other single-hop "
                            + "sessions; BIRD's options are per interface: using the first");
                    continue;
                }
                single = g.getKey();
            }
        }
        for (String w : warnings) {
            b.append("# WARNING: ").append(w).append('\n');
        }
        if (!warnings.isEmpty()) {
            b.append('\n');
        }
        b.append("protocol bfd xlat_sentinel {\n");
        if (single != null) {
            b.append("  interface \"").append(o.routerInterface()).append("\" {\n");
            birdOptions(b, single, o);
            b.append("  };\n");
        }
        if (multi != null) {
            b.append("  multihop {\n");
            birdOptions(b, multi, o);
            b.append("  };\n");
        }
        b.append("}\n");
        if (plan.plan() != null) {
            PartitionRoutes.bird(b, plan.plan(), r -> plan.session(services, r));
        }
        services.forEach((name, s) -> {
            if (plan.services().contains(name)) {
                return;
            }
            Map<Boolean, List<String>> byFamily = prefixesByFamily(s);
            for (Map.Entry<Boolean, List<String>> family : byFamily.entrySet()) {
                boolean v6 = family.getKey();
                List<BfdSessionConfig> sessions = sessionsOfFamily(s, v6);
                // One protocol per service and family: BIRD refuses two protocols of one name.
                String proto = "xlat_" + name.replaceAll("[^A-Za-z0-9_]", "_")
                        + (byFamily.size() > 1 ? (v6 ? "_v6" : "_v4") : "");
                b.append("\n");
                if (sessions.isEmpty()) {
                    b.append("# WARNING: service ").append(name).append(" has no ").append(v6 ? "IPv6" : "IPv4")
                            .append(" BFD session for ").append(family.getValue()).append("; no route rendered\n");
                    continue;
                }
                b.append("protocol static ").append(proto).append(" {\n");
                b.append("  ").append(v6 ? "ipv6" : "ipv4").append(";\n");
                for (String prefix : family.getValue()) {
                    for (BfdSessionConfig bfd : sessions) {
                        b.append("  route ").append(prefix).append(" via ").append(IpAddresses.text(bfd.local()));
                        if (bfd.multihop()) {
                            b.append(" bfd; # multihop: BIRD uses its `multihop` block\n");
                        } else {
                            b.append(" bfd;\n");
                        }
                    }
                }
                b.append("}\n");
            }
        });
        if (o.lastResort()) {
            b.append("\n# Never the last one: if every BFD-tracked route to a prefix is withdrawn (the agents'\n"
                    + "# probes failing everywhere at once is likelier a probe fault), these static routes\n"
                    + "# without BFD at the lowest preference keep it on the gateways (docs/failover.md).\n");
            if (plan.plan() != null) {
                PartitionRoutes.birdLastResort(b, plan.plan(), BIRD_LAST_RESORT_PREFERENCE);
            }
            services.forEach((name, s) -> {
                if (plan.services().contains(name)) {
                    return;
                }
                Map<Boolean, List<String>> byFamily = prefixesByFamily(s);
                for (Map.Entry<Boolean, List<String>> family : byFamily.entrySet()) {
                    boolean v6 = family.getKey();
                    List<BfdSessionConfig> sessions = sessionsOfFamily(s, v6);
                    if (sessions.isEmpty()) {
                        continue;
                    }
                    b.append("protocol static xlat_").append(name.replaceAll("[^A-Za-z0-9_]", "_"))
                            .append(byFamily.size() > 1 ? (v6 ? "_v6" : "_v4") : "").append("_last_resort {\n");
                    b.append("  ").append(v6 ? "ipv6" : "ipv4").append(" { preference ")
                            .append(BIRD_LAST_RESORT_PREFERENCE).append("; };\n");
                    for (String prefix : family.getValue()) {
                        b.append("  route ").append(prefix);
                        for (BfdSessionConfig bfd : sessions) {
                            b.append(" via ").append(IpAddresses.text(bfd.local()));
                        }
                        b.append(";\n");
                    }
                    b.append("}\n");
                }
            });
        }
        return b.toString();
    }

    private static void birdOptions(StringBuilder b, Timers t, Options o) {
        b.append("    min rx interval ").append(ms(t.minTx())).append(" ms;\n");
        b.append("    min tx interval ").append(ms(t.minRx())).append(" ms;\n");
        b.append("    multiplier ").append(t.multiplier()).append(";\n");
        if (t.auth() != null) {
            b.append("    authentication ").append(birdAuth(t.auth().type())).append(";\n");
            // BIRD signs with the first valid password listed (none has `generate from`) and
            // accepts every one by its id (BIRD 2's nest/password.c and proto/bfd/packets.c):
            // the agent's send key goes first, so that both sides sign with the same key.
            List<BfdSessionConfig.AuthKeyConfig> keys = new ArrayList<>(t.auth().chain());
            Integer send = t.auth().sendKey();
            keys.sort(java.util.Comparator.comparing((BfdSessionConfig.AuthKeyConfig k) -> !k.id().equals(send)));
            if (keys.size() > 1) {
                b.append("    # BIRD signs with the first password and accepts each; the agent accepts each too\n");
            }
            for (BfdSessionConfig.AuthKeyConfig k : keys) {
                b.append("    password \"").append(secret(k.secretFile(), o)).append("\" { id ").append(k.id())
                        .append("; };\n");
            }
        }
    }

    private static String frr(Map<String, ServiceConfig> services, Plan plan, Options o) {
        StringBuilder b = new StringBuilder();
        b.append("! FRR >= 8.5 configuration for the upstream router, rendered by xlat-sentinel.\n");
        b.append("! (FRR 8.4 cannot track static routes with BFD.) Apply with `vtysh -f FILE`.\n");
        b.append("! Keep `profile`: a plain `bfd` negotiates FRR's default 300 ms x 3.\n");
        Map<Timers, List<String>> groups = groups(services);
        Map<Timers, String> profiles = new LinkedHashMap<>();
        int n = 0;
        for (Timers t : groups.keySet()) {
            profiles.put(t, groups.size() == 1 ? "xlat-sentinel" : "xlat-sentinel-" + (++n));
            if (t.auth() != null) {
                b.append("! WARNING: sessions ").append(groups.get(t)).append(" use BFD authentication (")
                        .append(t.auth().type()).append(", key IDs ").append(t.auth().chain().stream()
                                .map(k -> String.valueOf(k.id())).collect(java.util.stream.Collectors.joining(", ")))
                        .append("); FRR's bfdd (10.3 included) has no BFD authentication, so they cannot come Up"
                                + " with FRR.\n");
            }
        }
        b.append("bfd\n");
        profiles.forEach((t, name) -> {
            b.append(" profile ").append(name).append('\n');
            b.append("  detect-multiplier ").append(t.multiplier()).append('\n');
            // The router's receive interval is what we transmit, and the other way round.
            b.append("  receive-interval ").append(ms(t.minTx())).append('\n');
            b.append("  transmit-interval ").append(ms(t.minRx())).append('\n');
            b.append(" !\n");
        });
        b.append("!\n");
        if (plan.plan() != null) {
            PartitionRoutes.frr(b, plan.plan(), r -> plan.session(services, r),
                    r -> profiles.get(timers(plan.session(services, r))));
        }
        services.forEach((name, s) -> {
            if (plan.services().contains(name)) {
                return;
            }
            // A comment is a line of its own: FRR 10 refuses "! ..." after a command (% Unknown command).
            b.append("! service ").append(name).append('\n');
            prefixesByFamily(s).forEach((v6, prefixes) -> {
                List<BfdSessionConfig> sessions = sessionsOfFamily(s, v6);
                if (sessions.isEmpty()) {
                    b.append("! WARNING: no ").append(v6 ? "IPv6" : "IPv4").append(" BFD session for ")
                            .append(prefixes).append("; no route rendered\n");
                }
                for (String prefix : prefixes) {
                    for (BfdSessionConfig bfd : sessions) {
                        b.append(v6 ? "ipv6" : "ip").append(" route ").append(prefix).append(' ')
                                .append(IpAddresses.text(bfd.local())).append(" bfd");
                        if (bfd.multihop()) {
                            b.append(" multi-hop source ").append(IpAddresses.text(bfd.peer()));
                        }
                        b.append(" profile ").append(profiles.get(timers(bfd))).append('\n');
                    }
                }
            });
        });
        if (o.lastResort()) {
            b.append("! Never the last one: static routes without BFD at distance ").append(FRR_LAST_RESORT_DISTANCE)
                    .append(" keep each prefix\n! on the gateways if every BFD-tracked route is withdrawn.\n");
            if (plan.plan() != null) {
                PartitionRoutes.frrLastResort(b, plan.plan(), FRR_LAST_RESORT_DISTANCE);
            }
            boolean anyService = services.keySet().stream().anyMatch(svc -> !plan.services().contains(svc));
            if (anyService && o.routerInterface().equals("*")) {
                // staticd keys a path by (prefix, next hop type, gateway, interface): a route to the
                // same gateway at another distance replaces the BFD-tracked one (FRR 10.3 then tracks
                // nothing). Naming the interface makes it another next hop, kept beside it.
                b.append("! WARNING: no last resort for the services: give --interface (the router's interface\n")
                        .append("! toward the gateways); FRR replaces a BFD-tracked route by a route to the same"
                                + " next\n")
                        .append("! hop at another distance, and keeps `ipv6 route P NH IFNAME ")
                        .append(FRR_LAST_RESORT_DISTANCE).append("` beside it.\n");
            } else {
                services.forEach((name, s) -> {
                    if (plan.services().contains(name)) {
                        return;
                    }
                    prefixesByFamily(s).forEach((v6, prefixes) -> {
                        for (String prefix : prefixes) {
                            for (BfdSessionConfig bfd : sessionsOfFamily(s, v6)) {
                                // With the interface: another next hop than the tracked route's (see above).
                                b.append(v6 ? "ipv6" : "ip").append(" route ").append(prefix).append(' ')
                                        .append(IpAddresses.text(bfd.local())).append(' ').append(o.routerInterface()).append(' ')
                                        .append(FRR_LAST_RESORT_DISTANCE).append('\n');
                            }
                        }
                    });
                });
            }
        }
        return b.toString();
    }

    /**
     * The service's prefixes by family (IPv6 first), in their order. A route's next hop is
     * the agent's BFD address, so only sessions of the prefix's family can carry it.
     */
    private static Map<Boolean, List<String>> prefixesByFamily(ServiceConfig s) {
        Map<Boolean, List<String>> m = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        for (IpPrefix p : s.prefixes()) {
            m.computeIfAbsent(p.isIpv6(), k -> new ArrayList<>()).add(p.toString());
        }
        return m;
    }

    private static List<BfdSessionConfig> sessionsOfFamily(ServiceConfig s, boolean v6) {
        return s.bfd().stream().filter(b -> (b.local() instanceof Inet6Address) == v6).toList();
    }

    private static Map<Timers, List<String>> groups(Map<String, ServiceConfig> services) {
        Map<Timers, List<String>> groups = new LinkedHashMap<>();
        services.forEach((name, s) -> {
            for (BfdSessionConfig bfd : s.bfd()) {
                groups.computeIfAbsent(timers(bfd), k -> new ArrayList<>()).add(name + " " + IpAddresses.text(bfd.peer()));
            }
        });
        return groups;
    }

    private static Timers timers(BfdSessionConfig bfd) {
        return new Timers(bfd.minTx(), bfd.minRx(), bfd.multiplier(), bfd.auth(), bfd.multihop());
    }

    private static String birdAuth(String type) {
        return switch (Objects.requireNonNull(type)) {
            case "simple-password" -> "simple";
            case "keyed-md5" -> "keyed md5";
            case "meticulous-keyed-md5" -> "meticulous keyed md5";
            case "keyed-sha1" -> "keyed sha1";
            case "meticulous-keyed-sha1" -> "meticulous keyed sha1";
            default -> throw new IllegalArgumentException("unknown auth type " + type);
        };
    }

    private static String secret(java.nio.file.Path file, Options o) {
        if (!o.withSecrets()) {
            return "<contents of " + file + ">";
        }
        try {
            // The same bytes the agent signs with (KeyFile), quoted for the router's config.
            return KeyFile.asConfigText(KeyFile.key(Files.readAllBytes(file)))
                    .replace("\\", "\\\\").replace("\"", "\\\"");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }

    private static long ms(Duration d) {
        return d.toMillis();
    }
}
