package dev.xlatsentinel.agent.metrics;

import dev.xlatsentinel.agent.policy.Verdict;
import dev.xlatsentinel.agent.runtime.Agent;
import dev.xlatsentinel.agent.runtime.AgentSnapshot;
import dev.xlatsentinel.agent.status.StatusBuilder;
import dev.xlatsentinel.bfd.ReceiveQueue;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.platform.net.HostPort;
import dev.xlatsentinel.translator.health.HealthState;
import dev.xlatsentinel.translator.probe.ProbeResult;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Prometheus metrics, one place listing everything the agent exports. Event-driven ones
 * (probe latency, failures, transitions) are recorded as they happen; states and BFD
 * counters are read from a snapshot at scrape time. Served on loopback by default, off
 * unless {@code agent.metrics} is configured.
 */
public final class Metrics implements Agent.Observer, AutoCloseable {
    private static final Pattern NUMBERS = Pattern.compile("\\d+(\\.\\d+)?");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram probeLatency;
    private final io.prometheus.metrics.core.metrics.Counter probeFailures;
    private final io.prometheus.metrics.core.metrics.Counter healthChanges;
    private final io.prometheus.metrics.core.metrics.Counter serviceVerdicts;
    private final io.prometheus.metrics.core.metrics.Counter bfdTransitions;
    private HTTPServer server;

    public Metrics(Supplier<AgentSnapshot> snapshot) {
        probeLatency = Histogram.builder().name("xlat_probe_latency_seconds")
                .help("Time a probe took to pass or fail").labelNames("instance", "probe")
                .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
                .register(registry);
        probeFailures = io.prometheus.metrics.core.metrics.Counter.builder().name("xlat_probe_failures_total")
                .help("Failed probe runs, by reason (numbers in the reason replaced by N)")
                .labelNames("instance", "probe", "reason").register(registry);
        healthChanges = io.prometheus.metrics.core.metrics.Counter.builder().name("xlat_instance_health_changes_total")
                .help("Instance health changes, by the state entered").labelNames("instance", "state")
                .register(registry);
        serviceVerdicts = io.prometheus.metrics.core.metrics.Counter.builder().name("xlat_service_transitions_total")
                .help("Services withdrawn or released").labelNames("service", "action").register(registry);
        bfdTransitions = io.prometheus.metrics.core.metrics.Counter.builder().name("xlat_bfd_transitions_total")
                .help("BFD session state changes, by the state entered and local diagnostic")
                .labelNames("peer", "local", "state", "diag").register(registry);
        GaugeWithCallback.builder().name("xlat_instance_state")
                .help("1 for the instance's current health state (STARTING, UP, DOWN), 0 for the others")
                .labelNames("instance", "state").callback(cb -> {
                    for (AgentSnapshot.Instance i : snapshot.get().instances()) {
                        for (HealthState s : HealthState.values()) {
                            cb.call(i.health().state() == s ? 1 : 0, i.name(), s.name());
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("xlat_instance_drained").help("1 while the instance is drained")
                .labelNames("instance").callback(cb -> {
                    for (AgentSnapshot.Instance i : snapshot.get().instances()) {
                        cb.call(i.policy().drainReason() != null ? 1 : 0, i.name());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("xlat_instance_damping_figure")
                .help("Flap damping figure of merit (suppressed above the threshold until below reuse)")
                .labelNames("instance").callback(cb -> {
                    for (AgentSnapshot.Instance i : snapshot.get().instances()) {
                        cb.call(i.policy().dampingFigure(), i.name());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("xlat_service_withdrawn")
                .help("1 while the router is told to withdraw the service").labelNames("service").callback(cb -> {
                    for (AgentSnapshot.Service s : snapshot.get().services()) {
                        cb.call(s.withdrawn() ? 1 : 0, s.name());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("xlat_bfd_session_state")
                .help("1 for the native BFD session's current state, 0 for the others")
                .labelNames("service", "peer", "local", "state").callback(cb -> {
                    for (AgentSnapshot.Service s : snapshot.get().services()) {
                        for (AgentSnapshot.Bfd b : s.bfd()) {
                            SessionSnapshot n = b.snapshot();
                            for (State st : State.values()) {
                                cb.call(n.state() == st ? 1 : 0, s.name(), StatusBuilder.addr(n.key().peer()),
                                        StatusBuilder.addr(n.key().local()), st.label());
                            }
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("xlat_bfd_packets")
                .help("BFD control packets sent and received, and packets dropped by reason (RFC 5880 §6.8.6)")
                .labelNames("service", "peer", "local", "counter").callback(cb -> {
                    for (AgentSnapshot.Service s : snapshot.get().services()) {
                        for (AgentSnapshot.Bfd b : s.bfd()) {
                            SessionSnapshot n = b.snapshot();
                            for (Map.Entry<Counter, Long> c : n.counters().entrySet()) {
                                cb.call(c.getValue(), s.name(), StatusBuilder.addr(n.key().peer()),
                                        StatusBuilder.addr(n.key().local()), c.getKey().label());
                            }
                        }
                    }
                }).register(registry);
        bfdReceive(registry, snapshot);
    }

    /**
     * The BFD receive queues and every packet an engine dropped, by reason: junk shows here
     * even when it matched no session. Labels come from fixed sets (namespaces from the config).
     */
    private static void bfdReceive(PrometheusRegistry registry, Supplier<AgentSnapshot> snapshot) {
        CounterWithCallback.builder().name("xlat_bfd_receive_queue_read")
                .help("BFD datagrams read from a receive queue (peers: configured peers only; others: the rest)")
                .labelNames("namespace", "family", "hop", "queue").callback(cb -> {
                    for (AgentSnapshot.BfdReceive e : snapshot.get().bfdReceive()) {
                        for (ReceiveQueue q : e.queues()) {
                            cb.call(q.received(), ns(e), q.family(), q.hop().toString(), q.queue());
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("xlat_bfd_receive_queue_dropped")
                .help("BFD datagrams the kernel dropped because a receive queue was full")
                .labelNames("namespace", "family", "hop", "queue").callback(cb -> {
                    for (AgentSnapshot.BfdReceive e : snapshot.get().bfdReceive()) {
                        for (ReceiveQueue q : e.queues()) {
                            if (q.dropped() >= 0) {
                                cb.call(q.dropped(), ns(e), q.family(), q.hop().toString(), q.queue());
                            }
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("xlat_bfd_dropped_packets")
                .help("BFD packets an engine dropped, by the receive check that refused them (RFC 5880 §6.8.6), "
                        + "whether or not they matched a session")
                .labelNames("namespace", "reason").callback(cb -> {
                    for (AgentSnapshot.BfdReceive e : snapshot.get().bfdReceive()) {
                        for (Map.Entry<Counter, Long> c : e.counters().entrySet()) {
                            if (c.getKey().isDrop()) {
                                cb.call(c.getValue(), ns(e), c.getKey().label().substring("drop-".length()));
                            }
                        }
                    }
                }).register(registry);
    }

    private static String ns(AgentSnapshot.BfdReceive e) {
        return e.namespace() == null ? "" : e.namespace();
    }

    /** Serves {@code /metrics} on {@code listen} (port 0: one the kernel picks, see {@link #port()}). */
    public void serve(HostPort listen) throws IOException {
        server = HTTPServer.builder().inetAddress(listen.address()).port(listen.port()).registry(registry)
                .buildAndStart();
    }

    public int port() {
        return server == null ? -1 : server.getPort();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void round(String instance, List<ProbeResult> results) {
        for (ProbeResult r : results) {
            probeLatency.labelValues(instance, r.probe()).observe(r.latency().toNanos() / 1e9);
            if (!r.passed()) {
                probeFailures.labelValues(instance, r.probe(), NUMBERS.matcher(r.reason()).replaceAll("N")).inc();
            }
        }
    }

    @Override
    public void health(dev.xlatsentinel.translator.health.HealthChange change) {
        healthChanges.labelValues(change.instance(), change.to().name()).inc();
    }

    @Override
    public void verdict(Verdict v) {
        serviceVerdicts.labelValues(v.service(), v.withdraw() ? "withdraw" : "release").inc();
    }

    @Override
    public void bfd(StateChange c) {
        bfdTransitions.labelValues(StatusBuilder.addr(c.key().peer()), StatusBuilder.addr(c.key().local()),
                c.newState().label(), c.localDiag().label()).inc();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }
}
