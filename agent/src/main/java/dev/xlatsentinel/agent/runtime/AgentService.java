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
import java.util.Map;
import java.util.Objects;
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
    private ControlServer control;
    private Metrics metrics;
    private HostPort metricsListen;

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
    public void undrain(String instance, String who) {
        agent.undrain(instance, who);
    }

    @Override
    public String reload(String who) throws ControlException {
        try {
            return applyReload(who);
        } catch (Exception e) {
            throw new ControlException("reload rejected, running configuration kept: " + e.getMessage());
        }
    }

    /**
     * Rereads the config file and applies it; throws with the bare reason (every config
     * error, or what could not be started) and changes nothing when it cannot.
     */
    String applyReload(String who) throws Exception {
        LoadedConfig next;
        try {
            next = ConfigLoader.load(config.file());
        } catch (ConfigException e) {
            throw new Exception(e.getMessage(), e);
        }
        agent.reload(next);
        AgentSettings before = config.config().agent();
        AgentSettings after = next.config().agent();
        if (!before.controlSocket().equals(after.controlSocket())
                || !Objects.equals(before.controlGroup(), after.controlGroup())) {
            ControlServer old = control;
            openControl(after);
            old.close();
        }
        if (!Objects.equals(metricsListen, after.metrics() == null ? null : after.metrics().listen())) {
            if (metrics != null) {
                agent.removeObserver(metrics);
                metrics.close();
                metrics = null;
            }
            openMetrics(after);
        }
        config = next;
        LOG.info("reload requested by {} done", who);
        publishStatus();
        return "reloaded " + next.file() + ": " + statusLine();
    }

    private void openControl(AgentSettings a) throws IOException {
        control = ControlServer.open(a.controlSocket(), a.controlGroup(), new AgentCommands(() -> this));
    }

    private void openMetrics(AgentSettings a) throws IOException {
        if (a.metrics() == null) {
            metricsListen = null;
            return;
        }
        Metrics m = new Metrics(agent::snapshot);
        HostPort listen = a.metrics().listen();
        m.serve(listen);
        agent.addObserver(m);
        metrics = m;
        metricsListen = listen;
        LOG.info("metrics on http://{}:{}/metrics", listen.host(), m.port());
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
