package dev.xlatsentinel.agent.metrics;

import dev.xlatsentinel.agent.policy.Verdict;
import dev.xlatsentinel.agent.runtime.Agent;
import dev.xlatsentinel.agent.runtime.AgentSnapshot;
import dev.xlatsentinel.agent.status.StatusBuilder;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.platform.net.HostPort;
import dev.xlatsentinel.translator.probe.ProbeResult;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Prometheus metrics, what the agent exports: event-driven ones (probe latency, failures,
 * transitions) here, recorded as they happen; states and BFD counters in
 * {@link StateMetrics}, built from one snapshot per scrape. Served on loopback by default,
 * off unless {@code agent.metrics} is configured.
 */
public final class Metrics implements Agent.Observer, AutoCloseable {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram probeLatency;
    private final Histogram decisionToWire;
    private final io.prometheus.metrics.core.metrics.Counter probeFailures;
    private final io.prometheus.metrics.core.metrics.Counter healthChanges;
    private final io.prometheus.metrics.core.metrics.Counter serviceVerdicts;
    private final io.prometheus.metrics.core.metrics.Counter bfdTransitions;
    private volatile Listener listener;

    /** One HTTP listener serving this registry's {@code /metrics}. */
    public static final class Listener {
        private final HTTPServer server;
        private final HostPort listen;

        private Listener(HTTPServer server, HostPort listen) {
            this.server = server;
            this.listen = listen;
        }

        /** The port it listens on (the kernel's pick for port 0). */
        public int port() {
            return server.getPort();
        }

        public String url() {
            String host = listen.address() instanceof java.net.Inet6Address ? "[" + listen.host() + "]" : listen.host();
            return "http://" + host + ":" + port() + "/metrics";
        }

        public void close() {
            server.stop();
        }
    }

    public Metrics(Supplier<AgentSnapshot> snapshot) {
        this(snapshot, () -> 0);
    }

    /** {@code realtimeDemotions}: how many times the CPU guard demoted a real-time deciding thread. */
    public Metrics(Supplier<AgentSnapshot> snapshot, LongSupplier realtimeDemotions) {
        probeLatency = Histogram.builder().name("xlat_probe_latency_seconds")
                .help("Time a probe took to pass or fail").labelNames("instance", "probe")
                .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
                .register(registry);
        decisionToWire = Histogram.builder().name("xlat_decision_to_wire_seconds")
                .help("From an instance's DOWN decision to its BFD sessions' first Down sent, by who sent it "
                        + "(the deciding thread, or the BFD event loop when it was busy)")
                .labelNames("instance", "sent_by")
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05)
                .register(registry);
        probeFailures = io.prometheus.metrics.core.metrics.Counter.builder().name("xlat_probe_failures_total")
                .help("Failed probe runs, by failure class (timeout, missing, exit-status, probe-error, failed); "
                        + "the probe's own words are in the log and status")
                .labelNames("instance", "probe", "failure").register(registry);
        healthChanges = io.prometheus.metrics.core.metrics.Counter.builder().name("xlat_instance_health_changes_total")
                .help("Instance health changes, by the state entered").labelNames("instance", "state")
                .register(registry);
        serviceVerdicts = io.prometheus.metrics.core.metrics.Counter.builder().name("xlat_service_transitions_total")
                .help("Services withdrawn or released").labelNames("service", "action").register(registry);
        bfdTransitions = io.prometheus.metrics.core.metrics.Counter.builder().name("xlat_bfd_transitions_total")
                .help("BFD session state changes, by the state entered and local diagnostic")
                .labelNames("peer", "local", "state", "diag").register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("xlat_realtime_demotions_total")
                .help("Times a thread at agent.detectionRealtimePriority used more than its CPU budget and was put "
                        + "back to normal scheduling (the log names the thread)")
                .callback(c -> c.call(realtimeDemotions.getAsLong())).register(registry);
        registry.register(new StateMetrics(snapshot));
    }

    /** Packet counters (sent, not sent, received, dropped) as against session events (state changes, Polls). */
    static boolean isPackets(Counter c) {
        return c != Counter.STATE_TRANSITIONS && c != Counter.POLL_SEQUENCES;
    }

    /** Serves {@code /metrics} on {@code listen} (port 0: one the kernel picks, see {@link #port()}). */
    public void serve(HostPort listen) throws IOException {
        listener = bind(listen);
    }

    /**
     * A listener on {@code listen} serving this registry, bound but not yet the one in use
     * (a reload moving the exporter: counters carry on); {@link #swap} puts it in use.
     *
     * @throws IOException when the address cannot be bound
     */
    public Listener bind(HostPort listen) throws IOException {
        HTTPServer server = HTTPServer.builder().inetAddress(listen.address()).port(listen.port()).registry(registry)
                .buildAndStart();
        return new Listener(server, listen);
    }

    /** Makes {@code next} the listener in use; returns the one it replaced (null: none), still open. */
    public Listener swap(Listener next) {
        Listener old = listener;
        listener = next;
        return old;
    }

    public int port() {
        Listener l = listener;
        return l == null ? -1 : l.port();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void round(String instance, List<ProbeResult> results) {
        for (ProbeResult r : results) {
            probeLatency.labelValues(instance, r.probe()).observe(r.latency().toNanos() / 1e9);
            if (!r.passed()) {
                probeFailures.labelValues(instance, r.probe(), FailureClass.of(r.reason()).label()).inc();
            }
        }
    }

    @Override
    public void heldDown(String instance, Duration afterDecision, boolean fromDecidingThread) {
        decisionToWire.labelValues(instance, fromDecidingThread ? "deciding_thread" : "bfd_loop")
                .observe(afterDecision.toNanos() / 1e9);
    }

    @Override
    public void health(dev.xlatsentinel.translator.health.HealthChange change) {
        healthChanges.labelValues(change.instance(), change.to().name()).inc();
    }

    /** Transitions only: a reason that changes while withdrawn (min-hold, another cause) is not another withdrawal. */
    @Override
    public void transition(Verdict v) {
        serviceVerdicts.labelValues(v.service(), v.withdraw() ? "withdraw" : "release").inc();
    }

    @Override
    public void bfd(StateChange c) {
        bfdTransitions.labelValues(StatusBuilder.addr(c.key().peer()), StatusBuilder.addr(c.key().local()),
                c.newState().label(), c.localDiag().label()).inc();
    }

    /**
     * A config was applied: series of instances, services and sessions it no longer has are
     * removed (the gauges read the snapshot and follow by themselves).
     */
    @Override
    public void configured(Set<String> instances, Set<String> services, Set<List<String>> sessions) {
        // Label values in the order of labelNames: instance first, service first, peer and local first.
        probeLatency.removeIf(v -> !instances.contains(v.get(0)));
        probeFailures.removeIf(v -> !instances.contains(v.get(0)));
        decisionToWire.removeIf(v -> !instances.contains(v.get(0)));
        healthChanges.removeIf(v -> !instances.contains(v.get(0)));
        serviceVerdicts.removeIf(v -> !services.contains(v.get(0)));
        bfdTransitions.removeIf(v -> !sessions.contains(List.of(v.get(0), v.get(1))));
    }

    @Override
    public void close() {
        Listener l = listener;
        if (l != null) {
            l.close();
        }
    }
}
