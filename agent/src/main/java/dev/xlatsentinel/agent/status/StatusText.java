package dev.xlatsentinel.agent.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code xlat-sentinel status} for people: instances, services and sessions as aligned
 * tables, ages instead of timestamps, problems first in each line.
 */
public final class StatusText {
    private StatusText() {
    }

    public static String render(AgentStatus s, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("xlat-sentinel ").append(s.version()).append("  pid ").append(s.pid()).append("  up ")
                .append(age(s.started(), now)).append('\n');
        b.append("config ").append(s.config().file()).append(" (loaded ").append(age(s.config().loaded(), now))
                .append(" ago)");
        if (s.config().maintenance()) {
            b.append("  MAINTENANCE: ").append(s.config().maintenanceFile()).append(" exists, everything drained");
        }
        AgentStatus.ReloadView reload = s.config().lastReload();
        if (reload != null) {
            b.append("\nlast reload ").append(age(reload.at(), now)).append(" ago by ").append(reload.by()).append(": ")
                    .append(reload.outcome().equals("accepted") ? "accepted: " : "REJECTED (nothing changed): ")
                    .append(reload.message());
            for (AgentStatus.FollowUpView f : reload.followUps()) {
                if (!f.state().equals("done")) {
                    b.append("\n  then ").append(f.what()).append(": ").append(f.doing()).append(' ')
                            .append(f.state()).append(f.failure() == null ? "" : ": " + f.failure());
                }
            }
        }
        b.append("\n\n");

        Table inst = new Table("INSTANCE", "HEALTH", "FOR", "DRAIN", "DAMPING", "LAST PROBES");
        for (AgentStatus.InstanceView i : s.instances()) {
            String probes = i.probes().isEmpty() ? "(no round finished yet)" : i.probes().stream()
                    .map(p -> p.name() + " " + (p.passed() ? "ok" : "FAIL") + ": " + p.reason())
                    .collect(Collectors.joining("; "));
            String damping = i.damping().suppressed() ? "SUPPRESSED " + fmt(i.damping().figure())
                    : i.damping().flaps() == 0 ? "-" : fmt(i.damping().figure()) + " (" + i.damping().flaps() + " flaps)";
            inst.row(i.name(), i.health(), age(i.since(), now), i.drained() ? "drained: " + i.drainReason() : "-",
                    damping, probes);
        }
        b.append(inst.render(""));
        for (AgentStatus.InstanceView i : s.instances()) {
            if (i.alarm() != null) {
                b.append("ALARM ").append(i.name()).append(": ").append(i.alarm()).append('\n');
            }
        }
        for (AgentStatus.InstanceView i : s.instances()) {
            AgentStatus.DoNoHarmView d = i.doNoHarm();
            b.append(i.name()).append(": rounds late ").append(fmt(d.roundLatenessMs())).append(" ms (max ")
                    .append(fmt(d.maxRoundLatenessMs())).append(" ms); not counted: ").append(d.busyRounds())
                    .append(" busy rounds, ").append(d.upstreamRounds()).append(" upstream rounds, ")
                    .append(d.lateProbes()).append(" late probe runs\n");
        }

        b.append('\n');
        Table svc = new Table("SERVICE", "ROUTER", "FOR", "DEPENDS ON", "REASON");
        for (AgentStatus.ServiceView v : s.services()) {
            svc.row(v.name(), v.withdrawn() ? "WITHDRAWN" : "announced", age(v.since(), now),
                    String.join(",", v.dependsOn()), v.reason());
        }
        b.append(svc.render(""));

        Table bfd = new Table("SERVICE", "PEER", "LOCAL", "IF", "STATE", "REMOTE", "DIAG LOCAL/REMOTE", "TX/RX",
                "MULT", "DETECT", "UPTIME", "TX", "RX", "DROPS", "AUTH");
        for (AgentStatus.ServiceView v : s.services()) {
            for (AgentStatus.BfdView x : v.bfd()) {
                long drops = x.counters().entrySet().stream().filter(e -> e.getKey().startsWith("drop"))
                        .mapToLong(java.util.Map.Entry::getValue).sum();
                bfd.row(v.name(), x.peer() + (x.hop().equals("multihop") ? " (multihop)" : ""), x.local(),
                        x.iface() == null ? "-" : x.iface(), x.states().state() + (x.states().heldDown() ? " (held)" : "")
                                + (x.lost() != null ? " (LOST)" : ""),
                        x.states().remoteState(), x.states().localDiag() + "/" + x.states().remoteDiag(),
                        fmt(x.timers().txIntervalMs()) + "/" + fmt(x.timers().rxIntervalMs()) + " ms",
                        x.timers().detectMult() + "/" + x.timers().remoteDetectMult(),
                        fmt(x.timers().detectionTimeMs()) + " ms",
                        x.uptimeMs() > 0 ? age(Duration.ofMillis(x.uptimeMs())) : "-",
                        x.counters().getOrDefault("tx-packets", 0L), x.counters().getOrDefault("rx-packets", 0L), drops,
                        auth(x.auth()));
            }
        }
        if (!bfd.isEmpty()) {
            b.append('\n').append(bfd.render(""));
        }
        for (AgentStatus.ServiceView v : s.services()) {
            for (AgentStatus.BfdView x : v.bfd()) {
                if (x.lost() != null) {
                    b.append("LOST: service ").append(v.name()).append(": bfd ").append(x.peer()).append(" from ")
                            .append(x.local()).append(": ").append(x.lost()).append('\n');
                }
            }
        }
        Table peers = new Table("SERVICE", "FRR PEER", "LOCAL", "IF", "STATE", "DIAG LOCAL/REMOTE", "SHUTDOWN", "BFDD");
        Table routes = new Table("SERVICE", "FRR ROUTE", "DAEMON", "PRESENT", "DAEMON STATE");
        for (AgentStatus.ServiceView v : s.services()) {
            for (AgentStatus.FrrPeerView p : v.frrPeers()) {
                peers.row(v.name(), p.peer(), p.local(), p.iface(), p.state(), p.localDiag() + "/" + p.remoteDiag(),
                        p.shutdown() ? "yes" : "no", p.bfdd());
            }
            for (AgentStatus.FrrRouteView r : v.frrRoutes()) {
                routes.row(v.name(), r.prefix(), r.daemon(), r.present() ? "yes" : "no", r.daemonState());
            }
        }
        if (!peers.isEmpty()) {
            b.append('\n').append(peers.render(""));
        }
        if (!routes.isEmpty()) {
            b.append('\n').append(routes.render(""));
        }
        b.append(receive(s));
        return b.toString();
    }

    /**
     * The BFD receive queues per namespace, and the packets dropped by reason: junk shows
     * here even when it matched no session.
     */
    static String receive(AgentStatus s) {
        if (s.bfdReceive() == null || s.bfdReceive().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        Table q = new Table("BFD NAMESPACE", "QUEUE", "PEERS (MATCH)", "READ", "DROPPED (QUEUE FULL)");
        for (AgentStatus.BfdReceiveView e : s.bfdReceive()) {
            for (AgentStatus.ReceiveQueueView v : e.queues()) {
                q.row(e.namespace() == null ? "(own)" : e.namespace(), v.family() + " " + v.hop() + " " + v.queue(),
                        v.peers() + " (" + v.match() + ")", v.received(), v.dropped() < 0 ? "?" : v.dropped());
            }
        }
        if (!q.isEmpty()) {
            b.append('\n').append(q.render(""));
        }
        for (AgentStatus.BfdReceiveView e : s.bfdReceive()) {
            String drops = e.drops().entrySet().stream().filter(d -> d.getValue() > 0)
                    .map(d -> d.getKey().substring("drop-".length()) + " " + d.getValue())
                    .collect(Collectors.joining(", "));
            b.append("BFD drops in ").append(e.namespace() == null ? "(own)" : e.namespace()).append(": ")
                    .append(drops.isEmpty() ? "none" : drops).append('\n');
        }
        return b.toString();
    }

    /** {@code keyed-sha1 keys 1,2 send 2 peer 1}: the chain by key ID (RFC 5880 §6.7), never a key. */
    static String auth(AgentStatus.AuthView a) {
        if (a == null || a.keyIds().isEmpty()) {
            return "-";
        }
        return a.type() + " keys " + a.keyIds().stream().map(String::valueOf).collect(Collectors.joining(","))
                + " send " + a.keyId() + " peer " + (a.peerKeyId() == null ? "-" : a.peerKeyId());
    }

    static String age(Instant since, Instant now) {
        return since == null ? "-" : age(Duration.between(since, now));
    }

    /** 850ms, 12s, 4m12s, 3h04m, 2d07h. */
    static String age(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, s % 86400 / 3600);
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
