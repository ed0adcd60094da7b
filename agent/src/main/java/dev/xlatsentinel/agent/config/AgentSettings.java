package dev.xlatsentinel.agent.config;

import dev.xlatsentinel.platform.net.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code agent:} section: how the daemon itself runs. Every field has a default.
 *
 * @param controlSocket   the CLI's unix socket (default: control.sock in systemd's
 *                        {@code $RUNTIME_DIRECTORY}, else /run/xlat-sentinel/agent/control.sock)
 * @param controlGroup    a group that may use the control socket besides root (null: root only)
 * @param maintenanceFile while this file exists, every instance is drained (ExaBGP's --disable)
 * @param metrics         Prometheus exporter (null: off)
 * @param shutdownGrace   on SIGTERM: how long to wait for peers to see Down before exiting
 * @param damping         minimum hold and flap damping
 * @param hooks           commands run on state changes
 * @param bfdRealtimePriority SCHED_FIFO priority (1-99) of the BFD event loop; 0 (default): normal
 *                        scheduling. Needs CAP_SYS_NICE; read at start (a reload does not change it)
 * @param detectionRealtimePriority SCHED_FIFO priority (1-99) of the threads that decide a DOWN
 *                        (kernel events, probe timer, ICMP receivers, namespace threads), each
 *                        demoted while it uses more than its CPU budget; 0 (default): normal
 *                        scheduling. Needs CAP_SYS_NICE; read at start
 */
public record AgentSettings(Path controlSocket, String controlGroup, Path maintenanceFile, MetricsSettings metrics,
        Duration shutdownGrace, DampingConfig damping, List<HookConfig> hooks, Integer bfdRealtimePriority,
        Integer detectionRealtimePriority) {

    /** The root-namespace agent's socket; an agent of xlat-sentinel@NAME uses /run/xlat-sentinel/NAME/. */
    public static final Path DEFAULT_CONTROL_SOCKET = Path.of("/run/xlat-sentinel/agent/control.sock");
    public static final Path DEFAULT_MAINTENANCE_FILE = Path.of("/etc/xlat-sentinel/maintenance");

    public AgentSettings {
        controlSocket = controlSocket == null ? defaultControlSocket(System.getenv("RUNTIME_DIRECTORY"))
                : controlSocket;
        maintenanceFile = maintenanceFile == null ? DEFAULT_MAINTENANCE_FILE : maintenanceFile;
        shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(2) : shutdownGrace;
        damping = damping == null ? DampingConfig.DEFAULT : damping;
        hooks = hooks == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(hooks));
        bfdRealtimePriority = bfdRealtimePriority == null ? 0 : bfdRealtimePriority;
        detectionRealtimePriority = detectionRealtimePriority == null ? 0 : detectionRealtimePriority;
    }

    /** control.sock in the first of systemd's RuntimeDirectory= directories, if any. */
    static Path defaultControlSocket(String runtimeDirectory) {
        if (runtimeDirectory == null || runtimeDirectory.isBlank()) {
            return DEFAULT_CONTROL_SOCKET;
        }
        return Path.of(runtimeDirectory.split(":")[0], "control.sock");
    }

    public static AgentSettings defaults() {
        return new AgentSettings(null, null, null, null, null, null, null, null, null);
    }

    /** {@code metrics:}: where the Prometheus exporter listens (loopback only by default). */
    public record MetricsSettings(HostPort listen) {
        public static final HostPort DEFAULT_LISTEN = HostPort.parse("127.0.0.1:9464");

        public MetricsSettings {
            listen = listen == null ? DEFAULT_LISTEN : listen;
        }
    }

    /**
     * {@code damping:} (see DampingSettings in the policy): min-hold, penalty, suppress,
     * reuse, half-life, max-suppress.
     */
    public record DampingConfig(Duration minHold, Double penalty, Double suppress, Double reuse, Duration halfLife,
            Duration maxSuppress) {
        public static final DampingConfig DEFAULT = new DampingConfig(null, null, null, null, null, null);

        public DampingConfig {
            minHold = minHold == null ? Duration.ofSeconds(5) : minHold;
            penalty = penalty == null ? 1000.0 : penalty;
            suppress = suppress == null ? 2500.0 : suppress;
            reuse = reuse == null ? 750.0 : reuse;
            halfLife = halfLife == null ? Duration.ofSeconds(60) : halfLife;
            maxSuppress = maxSuppress == null ? Duration.ofMinutes(10) : maxSuppress;
        }
    }

    /**
     * {@code hooks[]}: a command run (without a shell) on some events, with the facts in
     * XLAT_* environment variables.
     *
     * @param events empty or absent: every event (withdraw, release, health)
     */
    public record HookConfig(String name, List<String> events, List<String> command, Duration timeout) {
        public HookConfig {
            events = events == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(events));
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        }
    }
}
