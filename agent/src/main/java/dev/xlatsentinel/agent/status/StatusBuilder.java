package dev.xlatsentinel.agent.status;

import dev.xlatsentinel.agent.runtime.AgentSnapshot;
import dev.xlatsentinel.agent.runtime.FollowUp;
import dev.xlatsentinel.agent.runtime.ReloadRecord;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.ReceiveQueue;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.frr.bfdd.BfdPeer;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Turns an {@link AgentSnapshot} into the documented status schema. */
public final class StatusBuilder {
    /** What FRR says now, when the agent drives FRR (null functions when it does not). */
    public record FrrState(Function<BfdPeerSpec, BfdPeer> peer, String bfdd, Function<RouteSpec, Boolean> route,
            String routesDaemon) {
        public static final FrrState NONE = new FrrState(p -> null, "not used", r -> null, "not used");
    }

    private StatusBuilder() {
    }

    public static AgentStatus build(AgentSnapshot s, String version, long pid, Instant now, FrrState frr) {
        List<AgentStatus.InstanceView> instances = new ArrayList<>();
        for (AgentSnapshot.Instance i : s.instances()) {
            List<AgentStatus.ProbeView> probes = new ArrayList<>();
            for (ProbeResult r : i.health().lastResults()) {
                probes.add(new AgentStatus.ProbeView(r.probe(), r.passed(), r.reason(), ms(r.latency())));
            }
            var p = i.policy();
            instances.add(new AgentStatus.InstanceView(i.name(), i.health().state().name(), i.health().since(),
                    p.healthReason(), i.health().passesInARow(), i.health().failsInARow(), i.health().rounds(),
                    p.drainReason() != null, p.drainReason(),
                    new AgentStatus.DampingView(Math.round(p.dampingFigure() * 10) / 10.0, p.suppressed(), p.flaps()),
                    i.health().alarm(), new AgentStatus.DoNoHarmView(i.health().busyRounds(),
                            i.health().upstreamRounds(), i.health().lateProbes(), ms(i.health().lastLateness()),
                            ms(i.health().maxLateness())), probes));
        }
        List<AgentStatus.ServiceView> services = new ArrayList<>();
        for (AgentSnapshot.Service svc : s.services()) {
            List<AgentStatus.BfdView> bfd = new ArrayList<>();
            for (AgentSnapshot.Bfd b : svc.bfd()) {
                bfd.add(bfd(b.snapshot(), b.namespace(), b.lost(), now));
            }
            List<AgentStatus.FrrPeerView> peers = new ArrayList<>();
            for (BfdPeerSpec spec : svc.frrPeers()) {
                BfdPeer live = frr.peer().apply(spec);
                peers.add(new AgentStatus.FrrPeerView(spec.peer(), spec.localAddress(), spec.iface(),
                        live == null ? "unknown" : live.status(), live == null ? null : live.diagnostic(),
                        live == null ? null : live.remoteDiagnostic(), svc.withdrawn(), frr.bfdd()));
            }
            List<AgentStatus.FrrRouteView> routes = new ArrayList<>();
            for (RouteSpec r : svc.frrRoutes()) {
                Boolean present = frr.route().apply(r);
                routes.add(new AgentStatus.FrrRouteView(r.daemon(), r.ipPrefix().toString(),
                        present != null && present, frr.routesDaemon()));
            }
            services.add(new AgentStatus.ServiceView(svc.name(), svc.withdrawn(), svc.reason(), svc.since(),
                    svc.dependsOn(), bfd, peers, routes));
        }
        var cfg = s.config().config().agent();
        return new AgentStatus(AgentStatus.SCHEMA, version, pid, s.started(),
                new AgentStatus.ConfigView(s.config().file().toString(), s.configLoaded(),
                        cfg.maintenanceFile().toString(), s.maintenance(), reload(s.lastReload())),
                instances, services, bfdReceive(s.bfdReceive()));
    }

    static AgentStatus.ReloadView reload(ReloadRecord r) {
        if (r == null) {
            return null;
        }
        List<AgentStatus.FollowUpView> follow = new ArrayList<>();
        for (FollowUp f : r.followUps()) {
            follow.add(new AgentStatus.FollowUpView(f.what(), f.doing(), f.state().word(), f.failure(), f.finished()));
        }
        return new AgentStatus.ReloadView(r.at(), r.by(), r.accepted() ? "accepted" : "rejected", r.message(), follow);
    }

    static List<AgentStatus.BfdReceiveView> bfdReceive(List<AgentSnapshot.BfdReceive> engines) {
        List<AgentStatus.BfdReceiveView> out = new ArrayList<>();
        for (AgentSnapshot.BfdReceive e : engines) {
            List<AgentStatus.ReceiveQueueView> queues = new ArrayList<>();
            for (ReceiveQueue q : e.queues()) {
                queues.add(new AgentStatus.ReceiveQueueView(q.family(), q.hop().toString(), q.queue(), q.peers(),
                        q.match(), q.received(), q.dropped()));
            }
            Map<String, Long> drops = new LinkedHashMap<>();
            e.counters().forEach((c, v) -> {
                if (c.isDrop()) {
                    drops.put(c.label(), v);
                }
            });
            out.add(new AgentStatus.BfdReceiveView(e.namespace(), queues, drops));
        }
        return out;
    }

    static AgentStatus.BfdView bfd(SessionSnapshot n, String namespace, String lost, Instant now) {
        Map<String, Long> counters = new LinkedHashMap<>();
        for (Map.Entry<Counter, Long> c : n.counters().entrySet()) {
            counters.put(c.getKey().label(), c.getValue());
        }
        return new AgentStatus.BfdView(addr(n.key().peer()), addr(n.key().local()), n.key().iface(), namespace,
                n.key().hop().toString(),
                new AgentStatus.BfdStates(n.state().label(), n.remote().state().label(), n.localDiag().label(),
                        n.remote().diag().label(), n.heldDown()),
                new AgentStatus.BfdTimers(ms(n.timers().txInterval()), ms(n.timers().rxInterval()),
                        n.timers().detectMult(), n.remote().detectMult(), ms(n.timers().detectionTime())),
                new AgentStatus.BfdDiscriminators(n.localDiscriminator(), n.remote().discriminator()),
                n.uptime(now).toMillis(), n.lastChange(), new AgentStatus.AuthView(n.auth().type().label(),
                        n.auth().sendKeyId(), n.auth().keyIds(), n.auth().peerKeyId()), counters, lost);
    }

    /** RFC 5952 text form (compressed, lower case), as routers print addresses. */
    public static String addr(InetAddress a) {
        return a == null ? null : dev.xlatsentinel.platform.net.IpAddresses.text(a);
    }

    private static double ms(Duration d) {
        return d == null ? 0 : Math.round(d.toNanos() / 1000.0) / 1000.0;
    }
}
