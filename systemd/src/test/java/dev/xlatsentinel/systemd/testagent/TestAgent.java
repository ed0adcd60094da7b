package dev.xlatsentinel.systemd.testagent;

import dev.xlatsentinel.systemd.notify.SdNotify;
import dev.xlatsentinel.systemd.reload.ReloadSignal;
import dev.xlatsentinel.systemd.watchdog.Heartbeat;
import dev.xlatsentinel.systemd.watchdog.Watchdog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the agent, run by the unit files under a real systemd until the agent's
 * jar exists. It uses SdNotify, Watchdog and ReloadSignal the way the agent will: the
 * watchdog starts first, a heartbeat guards the "event loop", SIGHUP reloads the config,
 * READY=1 comes after start-up, STOPPING=1 at shutdown, and SIGTERM ends the JVM (143).
 *
 * <p>Test hooks: {@code startup-delay-ms} delays READY=1; a file
 * {@code <control-dir>/freeze-<pid>} makes the event loop hang for good (the watchdog then
 * stops pinging and systemd restarts the service; the new process has another PID).
 *
 * <p>Command line, as the agent's: {@code xlat-sentinel run -c FILE}.
 */
public final class TestAgent {
    private static final Logger LOG = LoggerFactory.getLogger(TestAgent.class);

    private TestAgent() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !args[0].equals("run") || !args[1].equals("-c")) {
            System.err.println("usage: xlat-sentinel run -c FILE");
            System.exit(2);
        }
        Path file = Path.of(args[2]);
        TestAgentConfig config;
        try {
            config = TestAgentConfig.read(file);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long pid = ProcessHandle.current().pid();
        SdNotify notify = SdNotify.fromEnvironment();
        Watchdog watchdog = Watchdog.fromEnvironment(notify);
        Heartbeat eventLoop = watchdog.heartbeat("event-loop", config.heartbeatLimit());
        watchdog.start();
        notify.status("starting");
        LOG.info("test agent {} starting with {}", pid, config);
        Thread.sleep(config.startupDelay().toMillis());

        AtomicInteger reloads = new AtomicInteger();
        ReloadSignal.install(notify, () -> {
            TestAgentConfig next = TestAgentConfig.read(file);
            LOG.info("reloaded {}", next);
            return "running, reloads " + reloads.incrementAndGet();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            notify.stopping();
            LOG.info("test agent {} stopping", pid);
            watchdog.close();
        }, "shutdown"));

        Path freeze = config.controlDir().resolve("freeze-" + pid);
        Thread loop = new Thread(() -> runLoop(eventLoop, freeze, config), "event-loop");
        loop.start();
        notify.ready("running, reloads 0");
        LOG.info("test agent {} ready", pid);
        loop.join();
    }

    private static void runLoop(Heartbeat heartbeat, Path freeze, TestAgentConfig config) {
        while (true) {
            if (Files.exists(freeze)) {
                LOG.warn("event loop frozen by the test ({} exists)", freeze);
                while (true) {
                    LockSupport.park();
                }
            }
            heartbeat.beat();
            LockSupport.parkNanos(config.heartbeatPeriod().toNanos());
        }
    }
}
