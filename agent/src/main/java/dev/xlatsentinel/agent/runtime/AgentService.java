package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.cli.Version;
import dev.xlatsentinel.agent.config.AgentSettings;
import dev.xlatsentinel.agent.config.ConfigException;
import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.control.AgentCommands;
import dev.xlatsentinel.agent.control.ControlException;
import dev.xlatsentinel.agent.control.ControlServer;
import dev.xlatsentinel.agent.metrics.Metrics;
import dev.xlatsentinel.agent.policy.Verdict;
import dev.xlatsentinel.agent.status.AgentStatus;
import dev.xlatsentinel.agent.status.StatusBuilder;
import dev.xlatsentinel.platform.net.HostPort;
import dev.xlatsentinel.systemd.notify.SdNotify;
import dev.xlatsentinel.systemd.reload.ReloadSignal;
import dev.xlatsentinel.systemd.watchdog.Heartbeat;
import dev.xlatsentinel.systemd.watchdog.Liveness;
import dev.xlatsentinel.systemd.watchdog.Watchdog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process around the {@link Agent}: systemd notification and watchdog, SIGHUP reload,
 * SIGTERM stop, the control socket and the metrics exporter.
 */
public final class AgentService implements AgentCommands.Service {
    private static final Logger LOG = LoggerFactory.getLogger(AgentService.class);
    private static final Duration HEARTBEAT = Duration.ofMillis(500);
    private static final Duration MAX_SILENCE = Duration.ofSeconds(5);

    private final Agent agent;
    private final SdNotify notify;
    private final Watchdog watchdog;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile LoadedConfig config;
    private volatile ControlServer control;
    private volatile Metrics metrics;

    private AgentService(Agent agent, LoadedConfig config, SdNotify notify) {
        this.agent = agent;
        this.config = config;
        this.notify = notify;
        this.watchdog = Watchdog.fromEnvironment(notify);
    }

    /** Starts the agent and everything around it, then tells systemd it is ready. */
    public static AgentService start(LoadedConfig config) {
        SdNotify notify = SdNotify.fromEnvironment();
        Agent agent = Agent.start(config);
        AgentService d = new AgentService(agent, config, notify);
        try {
            d.openControl(config.config().agent());
            d.openMetrics(config.config().agent());
        } catch (IOException | RuntimeException e) {
            agent.close();
            d.closeEndpoints();
            throw new IllegalStateException(e.getMessage(), e);
        }
        agent.addObserver(new Agent.Observer() {
            @Override
            public void verdict(Verdict v) {
                d.publishStatus();
            }
        });
        d.startWatchdog();
        ReloadSignal.install(notify, () -> d.applyReload("SIGHUP"));
        Runtime.getRuntime().addShutdownHook(new Thread(d::stop, "shutdown"));
        agent.withSummary(line -> {
            LOG.info("xlat-sentinel {} running: {}", Version.current(), line);
            notify.ready(line.toString());
        });
        return d;
    }

    /** Blocks until the daemon has stopped (SIGTERM). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public Agent agent() {
        return agent;
    }

    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    private void startWatchdog() {
        Heartbeat agentLoop = watchdog.heartbeat("agent-loop", MAX_SILENCE);
        agent.loop().scheduleAtFixedRate(agentLoop::beat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        Heartbeat bfdLoop = watchdog.heartbeat("bfd-event-loop", MAX_SILENCE);
        agent.bfdLoop().scheduleAtFixedRate(bfdLoop::beat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        watchdog.register("prober", this::proberAlive);
        watchdog.start();
    }

    /**
     * Every instance finished a probe round recently (a hung prober stops the pings). Reads
     * only times the prober itself recorded: never waits on a loop, so it still answers when
     * one of them hangs.
     */
    private Liveness proberAlive() {
        long now = System.nanoTime();
        for (Map.Entry<String, long[]> e : agent.lastRounds().entrySet()) {
            long silence = now - e.getValue()[0];
            if (silence > e.getValue()[1]) {
                return Liveness.stalled("instance " + e.getKey() + " finished no probe round for "
                        + TimeUnit.NANOSECONDS.toMillis(silence) + " ms");
            }
        }
        return Liveness.ALIVE;
    }

    // ------------------------------------------------------------------ control socket

    @Override
    public AgentStatus status() {
        return StatusBuilder.build(agent.snapshot(), Version.current(), ProcessHandle.current().pid(), Instant.now(),
                agent.frrState());
    }

    @Override
    public void drain(String instance, String reason, String who) {
        agent.drain(instance, reason, who);
    }

    @Override
    public String undrain(String instance, String who) {
        return agent.undrain(instance, who);
    }

    @Override
    public String reload(String who) throws ControlException {
        try {
            return applyReload(who);
        } catch (ReloadRejected e) {
            throw new ControlException("reload rejected, running configuration kept: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ControlException("reload failed: " + e.getMessage());
        }
    }

    /**
     * Rereads the config file and applies it as one transaction: plan, prepare everything new
     * (the agent's part, then the listeners), commit, retire. Throws {@link ReloadRejected}
     * with the bare reason (every config error, or what could not be prepared) with nothing
     * changed. One log line tells the outcome of every reload.
     */
    String applyReload(String who) throws ReloadRejected {
        synchronized (agent.transactions()) {
            long start = System.nanoTime();
            Agent.Reload r = null;
            try {
                LoadedConfig next;
                try {
                    next = ConfigLoader.load(config.file());
                } catch (ConfigException e) {
                    throw new ReloadRejected(e.getMessage(), e);
                }
                r = agent.prepareReload(next);
                Endpoints e = prepareEndpoints(r, next.config().agent());
                List<FollowUp> follow = new ArrayList<>(r.commit());
                config = next;
                follow.addAll(commitEndpoints(e));
                agent.record(new ReloadRecord(Instant.now(), who, true, r.summary(), follow));
                String after = afterCommit(follow);
                LOG.info("reload by {}: accepted in {} ms: {}{}", who, ms(start), r.summary(), after);
                publishStatus();
                return "reloaded " + next.file() + ": " + r.summary() + after + "; " + statusLine();
            } catch (ReloadRejected e) {
                try {
                    agent.record(new ReloadRecord(Instant.now(), who, false, e.getMessage(), List.of()));
                } catch (RuntimeException stopped) {
                    LOG.debug("reload not recorded: {}", stopped.getMessage());
                }
                LOG.warn("reload by {}: rejected in {} ms, running configuration kept: {}", who, ms(start),
                        e.getMessage());
                throw e;
            } catch (RuntimeException e) {
                // Only a bug gets here: prepare rejects what it can find, commit cannot fail for it.
                if (r != null) {
                    r.abort();
                }
                String why = ReloadTransaction.reason(e);
                agent.record(new ReloadRecord(Instant.now(), who, false, "FAILED during commit (a bug; status shows "
                        + "what runs): " + why, List.of()));
                LOG.error("reload by {}: FAILED during commit; status shows what runs", who, e);
                throw e;
            }
        }
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /** What the reply and the log say of the follow-ups: those not done yet, and any failure. */
    private static String afterCommit(List<FollowUp> follow) {
        List<String> open = follow.stream().filter(f -> f.state() != FollowUp.State.DONE).map(FollowUp::toString)
                .toList();
        return open.isEmpty() ? "" : "; then: " + String.join("; ", open);
    }

    /** The control socket and metrics listener a reload brings, prepared in its transaction. */
    private record Endpoints(ControlServer control, boolean controlPathKept, Metrics metrics,
            Metrics.Listener metricsListener, boolean metricsOff) {
    }

    private Endpoints prepareEndpoints(Agent.Reload r, AgentSettings after) throws ReloadRejected {
        ReloadPlan plan = r.plan();
        ControlServer newControl = null;
        if (plan.control().changes()) {
            ReloadPlan.ControlSocket to = plan.control().to();
            newControl = r.prepare("control socket " + to, () -> ControlServer.prepare(to.path(), to.group(),
                    new AgentCommands(() -> this), control), ControlServer::abort);
        }
        Metrics newMetrics = null;
        Metrics.Listener listener = null;
        boolean off = false;
        if (plan.metrics().changes()) {
            HostPort to = plan.metrics().to();
            if (to == null) {
                off = true;
            } else if (metrics == null) {
                newMetrics = r.prepare("metrics listener " + to, () -> {
                    Metrics m = new Metrics(agent::snapshot, agent::realtimeDemotions);
                    m.serve(to);
                    return m;
                }, Metrics::close);
            } else {
                listener = r.prepare("metrics listener " + to, () -> metrics.bind(to), Metrics.Listener::close);
            }
        }
        boolean kept = newControl != null && newControl.path().equals(control.path());
        return new Endpoints(newControl, kept, newMetrics, listener, off);
    }

    /** After the agent's commit: the new listeners in place, the old ones retired. */
    private List<FollowUp> commitEndpoints(Endpoints e) {
        List<FollowUp> follow = new ArrayList<>();
        if (e.control() != null) {
            ControlServer old = control;
            try {
                e.control().publish();
                control = e.control();
                follow.add(FollowUp.of("control socket " + old.path() + " (the old one)",
                        "retired after its connections are answered", old.retire(e.controlPathKept()), Instant::now));
            } catch (IOException | RuntimeException ex) {
                e.control().abort();
                follow.add(FollowUp.done("control socket " + e.control().path(), "put in place", ex, Instant.now()));
            }
        }
        if (e.metrics() != null) {
            agent.addObserver(e.metrics());
            metrics = e.metrics();
            LOG.info("metrics on {}", metricsUrl());
        } else if (e.metricsListener() != null) {
            Metrics.Listener old = metrics.swap(e.metricsListener());
            LOG.info("metrics on {}", metricsUrl());
            follow.add(FollowUp.run("metrics listener " + old.url() + " (the old one)", "closed", old::close,
                    Instant.now()));
        } else if (e.metricsOff()) {
            Metrics old = metrics;
            agent.removeObserver(old);
            metrics = null;
            follow.add(FollowUp.run("metrics listener (turned off)", "closed", old::close, Instant.now()));
        }
        return follow;
    }

    private void openControl(AgentSettings a) throws IOException {
        control = ControlServer.open(a.controlSocket(), a.controlGroup(), new AgentCommands(() -> this));
    }

    private void openMetrics(AgentSettings a) throws IOException {
        if (a.metrics() == null) {
            return;
        }
        Metrics m = new Metrics(agent::snapshot, agent::realtimeDemotions);
        m.serve(a.metrics().listen());
        agent.addObserver(m);
        metrics = m;
        LOG.info("metrics on {}", metricsUrl());
    }

    private String metricsUrl() {
        HostPort listen = config.config().agent().metrics().listen();
        String host = listen.address() instanceof java.net.Inet6Address ? "[" + listen.host() + "]" : listen.host();
        return "http://" + host + ":" + metrics.port() + "/metrics";
    }

    private String statusLine() {
        return agent.summary().toString();
    }

    /**
     * STATUS= for systemd, computed and sent on the agent loop (see Agent.withSummary), so the
     * last line sent always describes the latest state.
     */
    private void publishStatus() {
        agent.withSummary(line -> notify.status(line.toString()));
    }

    // ------------------------------------------------------------------ stop

    /** SIGTERM: withdraw, wait for peers (bounded), stop. */
    public void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        notify.stopping();
        try {
            agent.stop();
        } catch (RuntimeException e) {
            LOG.error("stopping: {}", e.getMessage(), e);
        } finally {
            watchdog.close();
            closeEndpoints();
            stopped.countDown();
        }
    }

    private void closeEndpoints() {
        if (control != null) {
            control.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
