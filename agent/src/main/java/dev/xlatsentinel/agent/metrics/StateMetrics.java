package dev.xlatsentinel.agent.metrics;

import dev.xlatsentinel.agent.runtime.AgentSnapshot;
import dev.xlatsentinel.agent.status.StatusBuilder;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.ReceiveQueue;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.translator.health.HealthState;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The metrics read from the agent's state: instance and service states, BFD session states
 * and counters, the BFD receive queues. One scrape takes ONE {@link AgentSnapshot} (one round
 * trip to the agent loop) and builds every family from it, so the families of a scrape agree
 * with each other.
 */
final class StateMetrics implements MultiCollector {
    private final Supplier<AgentSnapshot> snapshot;

    StateMetrics(Supplier<AgentSnapshot> snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public MetricSnapshots collect() {
        AgentSnapshot now = snapshot.get();
        List<MetricSnapshot> out = new ArrayList<>();
        instances(now, out);
        services(now, out);
        bfdReceive(now, out);
        return new MetricSnapshots(out);
    }

    private static void instances(AgentSnapshot now, List<MetricSnapshot> out) {
        Gauge state = new Gauge("xlat_instance_state",
                "1 for the instance's current health state (STARTING, UP, DOWN), 0 for the others", "instance", "state");
        Gauge drained = new Gauge("xlat_instance_drained", "1 while the instance is drained", "instance");
        Gauge figure = new Gauge("xlat_instance_damping_figure",
                "Flap damping figure of merit (suppressed above the threshold until below reuse)", "instance");
        Gauge alarm = new Gauge("xlat_instance_upstream_alarm",
                "1 while the instance's probe targets are unreachable natively too: the fault is upstream, "
                        + "the instance stays up", "instance");
        Gauge lateness = new Gauge("xlat_probe_round_lateness_seconds",
                "How late the instance's last probe round started against its schedule (the agent's own "
                        + "scheduling, CPU, GC), and the maximum since it was built", "instance", "which");
        Count excused = new Count("xlat_instance_excused",
                "Rounds and probe runs the do-no-harm rules did not count against the instance: busy "
                        + "(saturated, still answering), upstream (targets silent natively too), late (the probe was "
                        + "cut by the agent's own lateness)", "instance", "reason");
        for (AgentSnapshot.Instance i : now.instances()) {
            for (HealthState s : HealthState.values()) {
                state.add(i.health().state() == s ? 1 : 0, i.name(), s.name());
            }
            drained.add(i.policy().drainReason() != null ? 1 : 0, i.name());
            figure.add(i.policy().dampingFigure(), i.name());
            alarm.add(i.health().alarm() != null ? 1 : 0, i.name());
            lateness.add(i.health().lastLateness().toNanos() / 1e9, i.name(), "last");
            lateness.add(i.health().maxLateness().toNanos() / 1e9, i.name(), "max");
            excused.add(i.health().busyRounds(), i.name(), "busy");
            excused.add(i.health().upstreamRounds(), i.name(), "upstream");
            excused.add(i.health().lateProbes(), i.name(), "late");
        }
        out.add(state.build());
        out.add(drained.build());
        out.add(figure.build());
        out.add(alarm.build());
        out.add(lateness.build());
        out.add(excused.build());
    }

    private static void services(AgentSnapshot now, List<MetricSnapshot> out) {
        Gauge withdrawn = new Gauge("xlat_service_withdrawn", "1 while the router is told to withdraw the service",
                "service");
        Gauge bfdState = new Gauge("xlat_bfd_session_state",
                "1 for the native BFD session's current state, 0 for the others", "service", "peer", "local", "state");
        Count packets = new Count("xlat_bfd_packets",
                "A session's BFD control packets: sent (tx-packets, finals-sent), not sent (tx-errors), "
                        + "received (rx-packets), and dropped by reason (drop-*, RFC 5880 §6.8.6)", "service", "peer",
                "local", "counter");
        Count events = new Count("xlat_bfd_session_events",
                "A session's state changes and Poll Sequences (RFC 5880 §6.5)", "service", "peer", "local", "event");
        for (AgentSnapshot.Service s : now.services()) {
            withdrawn.add(s.withdrawn() ? 1 : 0, s.name());
            for (AgentSnapshot.Bfd b : s.bfd()) {
                SessionSnapshot n = b.snapshot();
                String peer = StatusBuilder.addr(n.key().peer());
                String local = StatusBuilder.addr(n.key().local());
                for (State st : State.values()) {
                    bfdState.add(n.state() == st ? 1 : 0, s.name(), peer, local, st.label());
                }
                for (Map.Entry<Counter, Long> c : n.counters().entrySet()) {
                    (Metrics.isPackets(c.getKey()) ? packets : events).add(c.getValue(), s.name(), peer, local,
                            c.getKey().label());
                }
            }
        }
        out.add(withdrawn.build());
        out.add(bfdState.build());
        out.add(packets.build());
        out.add(events.build());
    }

    /**
     * The BFD receive queues and every packet an engine dropped, by reason: junk shows here
     * even when it matched no session. Labels come from fixed sets (namespaces from the config).
     */
    private static void bfdReceive(AgentSnapshot now, List<MetricSnapshot> out) {
        Count read = new Count("xlat_bfd_receive_queue_read",
                "BFD datagrams read from a receive queue (peers: configured peers only; others: the rest)",
                "namespace", "family", "hop", "queue");
        Count dropped = new Count("xlat_bfd_receive_queue_dropped",
                "BFD datagrams the kernel dropped because a receive queue was full", "namespace", "family", "hop",
                "queue");
        Count drops = new Count("xlat_bfd_dropped_packets",
                "BFD packets an engine dropped, by the receive check that refused them (RFC 5880 §6.8.6), "
                        + "whether or not they matched a session", "namespace", "reason");
        for (AgentSnapshot.BfdReceive e : now.bfdReceive()) {
            String ns = e.namespace() == null ? "" : e.namespace();
            for (ReceiveQueue q : e.queues()) {
                read.add(q.received(), ns, q.family(), q.hop().toString(), q.queue());
                if (q.dropped() >= 0) {
                    dropped.add(q.dropped(), ns, q.family(), q.hop().toString(), q.queue());
                }
            }
            for (Map.Entry<Counter, Long> c : e.counters().entrySet()) {
                if (c.getKey().isDrop()) {
                    drops.add(c.getValue(), ns, c.getKey().label().substring("drop-".length()));
                }
            }
        }
        out.add(read.build());
        out.add(dropped.build());
        out.add(drops.build());
    }

    private static Labels labels(String[] names, String[] values) {
        String[] pairs = new String[names.length * 2];
        for (int i = 0; i < names.length; i++) {
            pairs[2 * i] = names[i];
            pairs[2 * i + 1] = values[i];
        }
        return Labels.of(pairs);
    }

    /** One family of a scrape: its points, built as a gauge or as a counter (exposed with {@code _total}). */
    private static class Family {
        private final String name;
        private final String help;
        private final String[] names;
        private final List<Double> values = new ArrayList<>();
        private final List<Labels> labels = new ArrayList<>();

        Family(String name, String help, String... labelNames) {
            this.name = name;
            this.help = help;
            this.names = labelNames;
        }

        void add(double value, String... labelValues) {
            values.add(value);
            labels.add(StateMetrics.labels(names, labelValues));
        }
    }

    private static final class Gauge extends Family {
        Gauge(String name, String help, String... labelNames) {
            super(name, help, labelNames);
        }

        GaugeSnapshot build() {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(super.name).help(super.help);
            for (int i = 0; i < super.values.size(); i++) {
                b.dataPoint(GaugeDataPointSnapshot.builder().value(super.values.get(i)).labels(super.labels.get(i))
                        .build());
            }
            return b.build();
        }
    }

    private static final class Count extends Family {
        Count(String name, String help, String... labelNames) {
            super(name, help, labelNames);
        }

        CounterSnapshot build() {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(super.name).help(super.help);
            for (int i = 0; i < super.values.size(); i++) {
                b.dataPoint(CounterDataPointSnapshot.builder().value(super.values.get(i))
                        .labels(super.labels.get(i)).build());
            }
            return b.build();
        }
    }
}
