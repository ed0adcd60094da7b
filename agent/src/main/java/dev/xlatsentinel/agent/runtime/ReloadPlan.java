package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.config.AgentConfig;
import dev.xlatsentinel.agent.config.AgentSettings;
import dev.xlatsentinel.agent.config.BfdSessionConfig;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.config.ServiceConfig;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.bfdd.PeerKey;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.platform.net.HostPort;
import dev.xlatsentinel.platform.time.Durations;
import dev.xlatsentinel.translator.config.InstanceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a reload changes, computed from the running config and the new one and nothing else
 * (no I/O, no clock, no running object): the first step of the transaction
 * (plan -> prepare -> commit or abort -> retire, docs/agent.md "Reload"). What is equal is
 * kept and never touched; what a running thing can take is updated in place (timers through a
 * Poll, keys of the same authentication type); what it cannot take is recreated; the rest is
 * added or removed. At start the running config is {@link #NOTHING}: everything is added.
 */
record ReloadPlan(boolean first, List<Change<InstanceSpec>> instances, List<Change<ServiceConfig>> services,
        List<Change<Bfd>> sessions, Map<SessionKey, SessionKey> moves, List<Change<BfdPeerSpec>> frrPeers,
        List<Change<RouteSpec>> frrRoutes, Endpoint<ControlSocket> control, Endpoint<HostPort> metrics,
        List<String> settings, List<String> notes) {

    /** The running config of an agent that runs nothing yet. */
    static final LoadedConfig NOTHING = new LoadedConfig(Path.of("/dev/null"),
            new AgentConfig(null, null, null, null, null), Map.of());

    enum Kind {
        /** Equal: left running, untouched. */
        KEEP,
        /** Changed in what a running thing takes live (timers, keys, an FRR peer's settings). */
        UPDATE,
        /** Changed in what it cannot take live: a new one takes its place at commit. */
        RECREATE,
        ADD,
        REMOVE;

        String word() {
            return switch (this) {
                case KEEP -> "kept";
                case UPDATE -> "updated";
                case RECREATE -> "recreated";
                case ADD -> "added";
                case REMOVE -> "removed";
            };
        }
    }

    /**
     * One thing's fate. {@code id}: what names it (an instance or service name, a session key,
     * an FRR peer key, an FRR route); {@code name}: the same for people; {@code service}: the
     * service it belongs to in the new config (the old one for a removal); {@code why}: what
     * changed, in words (empty when nothing did).
     */
    record Change<T>(Kind kind, Object id, String name, String service, T from, T to, String why) {
        boolean changes() {
            return kind != Kind.KEEP;
        }

        @Override
        public String toString() {
            return name + " " + kind.word() + (why.isEmpty() ? "" : " (" + why + ")");
        }
    }

    /** A native session as the plan sees it: its settings and the namespace of its sockets. */
    record Bfd(SessionConfig config, String namespace) {
        SessionKey key() {
            return config.key();
        }
    }

    /** The control socket: where, and who besides root may use it. */
    record ControlSocket(Path path, String group) {
        @Override
        public String toString() {
            return path + (group == null ? " (root only)" : " (group " + group + ")");
        }
    }

    /** A listener's setting before and after (null: off). */
    record Endpoint<T>(T from, T to) {
        boolean changes() {
            return !Objects.equals(from, to);
        }
    }

    /** The plan from {@code running} to {@code next}. */
    static ReloadPlan between(LoadedConfig running, LoadedConfig next) {
        AgentConfig was = running.config();
        AgentConfig now = next.config();
        List<String> notes = new ArrayList<>();
        if (!Objects.equals(was.agent().bfdRealtimePriority(), now.agent().bfdRealtimePriority())
                && running != NOTHING) {
            notes.add("bfdRealtimePriority " + was.agent().bfdRealtimePriority() + " -> "
                    + now.agent().bfdRealtimePriority() + " is read at start: it applies after a restart");
        }
        if (!Objects.equals(was.agent().detectionRealtimePriority(), now.agent().detectionRealtimePriority())
                && running != NOTHING) {
            notes.add("detectionRealtimePriority " + was.agent().detectionRealtimePriority() + " -> "
                    + now.agent().detectionRealtimePriority() + " is read at start: it applies after a restart");
        }
        if (!was.frr().equals(now.frr()) && running != NOTHING && usesFrr(was)) {
            notes.add("frr: settings changed: the FRR clients already open keep theirs until a restart");
        }
        boolean first = running == NOTHING;
        List<Change<Bfd>> sessions = sessions(running, next);
        Map<SessionKey, SessionKey> moves = moves(sessions);
        return new ReloadPlan(first, instances(was, now), services(was, now), named(sessions, moves), moves,
                frrPeers(was, now), frrRoutes(was, now),
                new Endpoint<>(first ? null : control(was.agent()), control(now.agent())),
                new Endpoint<>(first ? null : metrics(was.agent()), metrics(now.agent())),
                first ? List.of() : settings(was.agent(), now.agent()), List.copyOf(notes));
    }

    /**
     * This plan with the instances of {@code stale} rebuilt even where their spec is unchanged
     * (instance name -> why: their probes watch a namespace that was deleted and created
     * again, which only new probes can enter). Instances the plan removes or already rebuilds
     * are left as planned.
     */
    ReloadPlan rebuilding(Map<String, String> stale) {
        if (stale.isEmpty()) {
            return this;
        }
        List<Change<InstanceSpec>> out = new ArrayList<>();
        for (Change<InstanceSpec> c : instances) {
            String why = stale.get((String) c.id());
            out.add(c.kind() == Kind.KEEP && why != null ? new Change<>(Kind.RECREATE, c.id(), c.name(), c.service(),
                    c.from(), c.to(), why + ": probes rebuilt; UP or DOWN stands until they decide") : c);
        }
        return new ReloadPlan(first, List.copyOf(out), services, sessions, moves, frrPeers, frrRoutes, control,
                metrics, settings, notes);
    }

    /**
     * This plan with the native sessions in the namespaces of {@code createdAgain} rebuilt even
     * where their settings are unchanged (namespace -> why: the name was deleted and created
     * again, and a socket stays in the namespace it was opened in). Sessions the plan removes or
     * already recreates are left as planned; an updated one is recreated with its new settings.
     */
    ReloadPlan recreatingIn(Map<String, String> createdAgain) {
        if (createdAgain.isEmpty()) {
            return this;
        }
        List<Change<Bfd>> out = new ArrayList<>();
        for (Change<Bfd> c : sessions) {
            String why = c.to() == null || c.to().namespace() == null ? null : createdAgain.get(c.to().namespace());
            boolean running = c.kind() == Kind.KEEP || c.kind() == Kind.UPDATE;
            out.add(running && why != null ? new Change<>(Kind.RECREATE, c.id(), c.name(), c.service(), c.from(),
                    c.to(), why + (c.why().isEmpty() ? "" : ", " + c.why())) : c);
        }
        return new ReloadPlan(first, instances, services, List.copyOf(out), moves, frrPeers, frrRoutes, control,
                metrics, settings, notes);
    }

    /** Whether anything changes (a plan of a namespace rebuild that found nothing left to do does not). */
    boolean changesAnything() {
        return !summary().equals("no change");
    }

    /** Agent settings the commit applies as they are (nothing to prepare). */
    private static List<String> settings(AgentSettings was, AgentSettings now) {
        List<String> out = new ArrayList<>();
        if (!was.damping().equals(now.damping())) {
            out.add("damping");
        }
        if (!was.hooks().equals(now.hooks())) {
            out.add("hooks");
        }
        if (!was.maintenanceFile().equals(now.maintenanceFile())) {
            out.add("maintenanceFile " + was.maintenanceFile() + " -> " + now.maintenanceFile());
        }
        if (!was.shutdownGrace().equals(now.shutdownGrace())) {
            out.add("shutdownGrace " + Durations.format(was.shutdownGrace()) + " -> "
                    + Durations.format(now.shutdownGrace()));
        }
        return List.copyOf(out);
    }

    private static boolean usesFrr(AgentConfig c) {
        return c.services().values().stream().anyMatch(s -> !s.frrPeers().isEmpty() || !s.frrRoutes().isEmpty());
    }

    private static ControlSocket control(AgentSettings a) {
        return new ControlSocket(a.controlSocket(), a.controlGroup());
    }

    private static HostPort metrics(AgentSettings a) {
        return a.metrics() == null ? null : a.metrics().listen();
    }

    private static List<Change<InstanceSpec>> instances(AgentConfig was, AgentConfig now) {
        List<Change<InstanceSpec>> out = new ArrayList<>();
        now.instances().forEach((name, spec) -> {
            InstanceSpec old = was.instances().get(name);
            if (old == null) {
                out.add(new Change<>(Kind.ADD, name, "instance " + name, null, null, spec, ""));
            } else if (old.equals(spec)) {
                out.add(new Change<>(Kind.KEEP, name, "instance " + name, null, old, spec, ""));
            } else {
                out.add(new Change<>(Kind.RECREATE, name, "instance " + name, null, old, spec,
                        "probes rebuilt; UP or DOWN stands until they decide"));
            }
        });
        was.instances().forEach((name, spec) -> {
            if (!now.instances().containsKey(name)) {
                out.add(new Change<>(Kind.REMOVE, name, "instance " + name, null, spec, null, ""));
            }
        });
        return out;
    }

    private static List<Change<ServiceConfig>> services(AgentConfig was, AgentConfig now) {
        List<Change<ServiceConfig>> out = new ArrayList<>();
        now.services().forEach((name, s) -> {
            ServiceConfig old = was.services().get(name);
            if (old == null) {
                out.add(new Change<>(Kind.ADD, name, "service " + name, name, null, s,
                        "withdrawn until its instances are UP"));
                return;
            }
            // What it is told through is planned thing by thing (sessions, peers, routes).
            List<String> why = new ArrayList<>();
            if (!old.dependsOn().equals(s.dependsOn())) {
                why.add("dependsOn " + old.dependsOn() + " -> " + s.dependsOn());
            }
            if (!old.prefixes().equals(s.prefixes())) {
                why.add("prefixes " + old.prefixes() + " -> " + s.prefixes());
            }
            out.add(new Change<>(why.isEmpty() ? Kind.KEEP : Kind.UPDATE, name, "service " + name, name, old, s,
                    String.join(", ", why)));
        });
        was.services().forEach((name, s) -> {
            if (!now.services().containsKey(name)) {
                out.add(new Change<>(Kind.REMOVE, name, "service " + name, name, s, null, ""));
            }
        });
        return out;
    }

    /** Every native session of a config by key, with its service, in file order. */
    private static Map<SessionKey, Map.Entry<String, Bfd>> sessionsOf(LoadedConfig c) {
        Map<SessionKey, Map.Entry<String, Bfd>> out = new LinkedHashMap<>();
        c.config().services().forEach((service, s) -> {
            List<SessionConfig> built = c.bfdSessions().getOrDefault(service, List.of());
            for (int i = 0; i < built.size(); i++) {
                BfdSessionConfig written = s.bfd().get(i);
                Bfd b = new Bfd(built.get(i), written.namespace());
                out.put(b.key(), Map.entry(service, b));
            }
        });
        return out;
    }

    private static List<Change<Bfd>> sessions(LoadedConfig running, LoadedConfig next) {
        Map<SessionKey, Map.Entry<String, Bfd>> was = sessionsOf(running);
        Map<SessionKey, Map.Entry<String, Bfd>> now = sessionsOf(next);
        List<Change<Bfd>> out = new ArrayList<>();
        now.forEach((key, e) -> {
            String name = "bfd " + key;
            Map.Entry<String, Bfd> old = was.get(key);
            Bfd to = e.getValue();
            if (old == null) {
                out.add(new Change<>(Kind.ADD, key, name, e.getKey(), null, to, ""));
                return;
            }
            Bfd from = old.getValue();
            String recreate = recreateReason(from, to);
            if (recreate != null) {
                out.add(new Change<>(Kind.RECREATE, key, name, e.getKey(), from, to, recreate));
                return;
            }
            List<String> live = new ArrayList<>();
            if (!sameTimers(from.config(), to.config())) {
                live.add("timers " + timers(from.config()) + " -> " + timers(to.config()) + " through a Poll");
            }
            if (!from.config().auth().equals(to.config().auth())) {
                live.add("keys of " + to.config().auth().type() + " applied live");
            }
            if (!old.getKey().equals(e.getKey())) {
                live.add("moved from service " + old.getKey());
            }
            out.add(new Change<>(live.isEmpty() ? Kind.KEEP : Kind.UPDATE, key, name, e.getKey(), from, to,
                    String.join(", ", live)));
        });
        was.forEach((key, e) -> {
            if (!now.containsKey(key)) {
                out.add(new Change<>(Kind.REMOVE, key, "bfd " + key, e.getKey(), e.getValue(), null, ""));
            }
        });
        return out;
    }

    /**
     * Added sessions that take the place of a removed one with the same peer and local address
     * in the same namespace, on another interface: new key -> old key. While both exist their
     * packets could not be told apart, so the new one is swapped in for the old one in one
     * step (no AdminDown), as a recreated session is.
     */
    private static Map<SessionKey, SessionKey> moves(List<Change<Bfd>> sessions) {
        Map<SessionKey, SessionKey> out = new LinkedHashMap<>();
        java.util.Set<SessionKey> taken = new java.util.HashSet<>();
        for (Change<Bfd> add : sessions) {
            if (add.kind() != Kind.ADD) {
                continue;
            }
            for (Change<Bfd> rm : sessions) {
                if (rm.kind() == Kind.REMOVE && !taken.contains(rm.from().key()) && sameAddresses(add.to(), rm.from())) {
                    out.put(add.to().key(), rm.from().key());
                    taken.add(rm.from().key());
                    break;
                }
            }
        }
        return Map.copyOf(out);
    }

    private static boolean sameAddresses(Bfd a, Bfd b) {
        SessionKey x = a.key();
        SessionKey y = b.key();
        return x.hop() == y.hop() && x.peer().equals(y.peer()) && x.local().equals(y.local())
                && Objects.equals(a.namespace(), b.namespace());
    }

    /** The moves said in the changes' words: which session takes whose place. */
    private static List<Change<Bfd>> named(List<Change<Bfd>> sessions, Map<SessionKey, SessionKey> moves) {
        if (moves.isEmpty()) {
            return sessions;
        }
        Map<SessionKey, SessionKey> back = new LinkedHashMap<>();
        moves.forEach((to, from) -> back.put(from, to));
        List<Change<Bfd>> out = new ArrayList<>();
        for (Change<Bfd> c : sessions) {
            SessionKey key = (SessionKey) c.id();
            if (c.kind() == Kind.ADD && moves.containsKey(key)) {
                c = new Change<>(c.kind(), c.id(), c.name(), c.service(), c.from(), c.to(), "in place of the one on "
                        + iface(moves.get(key)) + ", in one step");
            } else if (c.kind() == Kind.REMOVE && back.containsKey(key)) {
                c = new Change<>(c.kind(), c.id(), c.name(), c.service(), c.from(), c.to(), "replaced by the one on "
                        + iface(back.get(key)) + ", no AdminDown");
            }
            out.add(c);
        }
        return out;
    }

    private static String iface(SessionKey k) {
        return k.iface() == null ? "no interface" : k.iface();
    }

    /** Why a running session cannot take the new settings (null: it can), in the operator's words. */
    static String recreateReason(Bfd from, Bfd to) {
        SessionConfig a = from.config();
        SessionConfig b = to.config();
        List<String> why = new ArrayList<>();
        if (!Objects.equals(from.namespace(), to.namespace())) {
            why.add("namespace " + ns(from.namespace()) + " -> " + ns(to.namespace()));
        }
        if (a.auth().type() != b.auth().type()) {
            why.add("authentication type changed from " + a.auth().type() + " to " + b.auth().type());
        }
        if (a.dscp() != b.dscp()) {
            why.add("dscp " + a.dscp() + " -> " + b.dscp());
        }
        if (a.passive() != b.passive()) {
            why.add("passive " + a.passive() + " -> " + b.passive());
        }
        if (a.minTtl() != b.minTtl()) {
            why.add("minTtl " + a.minTtl() + " -> " + b.minTtl());
        }
        return why.isEmpty() ? null : String.join(", ", why);
    }

    private static String ns(String namespace) {
        return namespace == null ? "(the agent's own)" : namespace;
    }

    static boolean sameTimers(SessionConfig a, SessionConfig b) {
        return a.desiredMinTxMicros() == b.desiredMinTxMicros() && a.requiredMinRxMicros() == b.requiredMinRxMicros()
                && a.detectMult() == b.detectMult();
    }

    private static String timers(SessionConfig c) {
        return Durations.format(java.time.Duration.ofNanos(c.desiredMinTxMicros() * 1000)) + "/"
                + Durations.format(java.time.Duration.ofNanos(c.requiredMinRxMicros() * 1000)) + " x" + c.detectMult();
    }

    private static List<Change<BfdPeerSpec>> frrPeers(AgentConfig was, AgentConfig now) {
        Map<PeerKey, Map.Entry<String, BfdPeerSpec>> old = new LinkedHashMap<>();
        was.services().forEach((svc, s) -> s.frrPeers().forEach(p -> old.put(p.key(), Map.entry(svc, p))));
        List<Change<BfdPeerSpec>> out = new ArrayList<>();
        java.util.Set<PeerKey> seen = new java.util.HashSet<>();
        now.services().forEach((svc, s) -> s.frrPeers().forEach(p -> {
            seen.add(p.key());
            Map.Entry<String, BfdPeerSpec> o = old.get(p.key());
            String name = "frr bfdd peer " + p.key();
            if (o == null) {
                out.add(new Change<>(Kind.ADD, p.key(), name, svc, null, p, ""));
            } else if (o.getValue().equals(p) && o.getKey().equals(svc)) {
                out.add(new Change<>(Kind.KEEP, p.key(), name, svc, o.getValue(), p, ""));
            } else {
                // bfdd applies only the difference, in the service's current shut state.
                out.add(new Change<>(Kind.UPDATE, p.key(), name, svc, o.getValue(), p, o.getValue().equals(p)
                        ? "moved from service " + o.getKey() : "settings ensured again"));
            }
        }));
        old.forEach((key, o) -> {
            if (!seen.contains(key)) {
                out.add(new Change<>(Kind.REMOVE, key, "frr bfdd peer " + key, o.getKey(), o.getValue(), null, ""));
            }
        });
        return out;
    }

    private static List<Change<RouteSpec>> frrRoutes(AgentConfig was, AgentConfig now) {
        Map<RouteSpec, String> old = new LinkedHashMap<>();
        was.services().forEach((svc, s) -> s.frrRoutes().forEach(r -> old.put(r, svc)));
        List<Change<RouteSpec>> out = new ArrayList<>();
        java.util.Set<RouteSpec> seen = new java.util.HashSet<>();
        now.services().forEach((svc, s) -> s.frrRoutes().forEach(r -> {
            seen.add(r);
            String o = old.get(r);
            String name = "frr " + r.daemon() + " route " + r.ipPrefix();
            if (o == null) {
                out.add(new Change<>(Kind.ADD, r, name, svc, null, r, ""));
            } else if (o.equals(svc)) {
                out.add(new Change<>(Kind.KEEP, r, name, svc, r, r, ""));
            } else {
                out.add(new Change<>(Kind.UPDATE, r, name, svc, r, r, "moved from service " + o));
            }
        }));
        old.forEach((r, svc) -> {
            if (!seen.contains(r)) {
                out.add(new Change<>(Kind.REMOVE, r, "frr " + r.daemon() + " route " + r.ipPrefix(), svc, r, null, ""));
            }
        });
        return out;
    }

    /** Every change, in the order prepare takes them. */
    List<Change<?>> all() {
        List<Change<?>> out = new ArrayList<>();
        out.addAll(instances);
        out.addAll(services);
        out.addAll(sessions);
        out.addAll(frrPeers);
        out.addAll(frrRoutes);
        return out;
    }

    /** Namespaces new or recreated sessions need, in first-use order (null: the agent's own). */
    List<String> namespacesToEnter() {
        List<String> out = new ArrayList<>();
        for (Change<Bfd> c : sessions) {
            if ((c.kind() == Kind.ADD || c.kind() == Kind.RECREATE) && !out.contains(c.to().namespace())) {
                out.add(c.to().namespace());
            }
        }
        return out;
    }

    /**
     * The plan in one line, changes only: {@code bfd 2001:db8:ff::1 from ... recreated (dscp
     * 48 -> 46); metrics 127.0.0.1:9464 -> 127.0.0.1:9465}; {@code no change} when nothing.
     */
    String summary() {
        List<String> parts = new ArrayList<>();
        for (Change<?> c : all()) {
            if (c.changes()) {
                parts.add(c.toString());
            }
        }
        if (!first && control.changes()) {
            parts.add("control socket " + control.from() + " -> " + control.to());
        }
        if (!first && metrics.changes()) {
            parts.add("metrics " + (metrics.from() == null ? "off" : metrics.from()) + " -> "
                    + (metrics.to() == null ? "off" : metrics.to()));
        }
        if (!settings.isEmpty()) {
            parts.add("agent settings: " + String.join(", ", settings));
        }
        parts.addAll(notes);
        return parts.isEmpty() ? "no change" : String.join("; ", parts);
    }

    /** How many things of each kind, e.g. {@code 3 kept, 1 recreated}. */
    String counts() {
        Map<Kind, Integer> n = new java.util.EnumMap<>(Kind.class);
        all().forEach(c -> n.merge(c.kind(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        n.forEach((k, v) -> parts.add(v + " " + k.word()));
        return String.join(", ", parts);
    }
}
