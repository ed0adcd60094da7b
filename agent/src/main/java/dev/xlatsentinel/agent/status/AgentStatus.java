package dev.xlatsentinel.agent.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code xlat-sentinel status --json} prints: a stable, documented schema
 * (docs/status-json.md). Fields are only ever added; {@code schema} grows when one changes
 * meaning. Times are ISO-8601 UTC; durations are milliseconds (fields end in {@code Ms}).
 */
@JsonPropertyOrder({"schema", "version", "pid", "started", "config", "instances", "services", "bfdReceive"})
public record AgentStatus(int schema, String version, long pid, Instant started, ConfigView config,
        List<InstanceView> instances, List<ServiceView> services, List<BfdReceiveView> bfdReceive) {

    public static final int SCHEMA = 1;

    /** The running config: which file, when it was loaded, and how the last reload went. */
    @JsonPropertyOrder({"file", "loaded", "maintenanceFile", "maintenance", "lastReload"})
    public record ConfigView(String file, Instant loaded, String maintenanceFile, boolean maintenance,
            @JsonInclude(JsonInclude.Include.NON_NULL) ReloadView lastReload) {
        /** Before any reload. */
        public ConfigView(String file, Instant loaded, String maintenanceFile, boolean maintenance) {
            this(file, loaded, maintenanceFile, maintenance, null);
        }
    }

    /**
     * The last reload: when, who asked, {@code accepted} (committed) or {@code rejected}
     * (nothing changed), the plan in one line or the cause, and what it left to finish.
     */
    @JsonPropertyOrder({"at", "by", "outcome", "message", "followUps"})
    public record ReloadView(Instant at, String by, String outcome, String message, List<FollowUpView> followUps) {
    }

    /**
     * One thing a committed reload left to finish: a removed session saying AdminDown, old
     * probes stopping, the old control socket answering its last connections.
     *
     * @param state {@code in progress}, {@code done} or {@code FAILED}
     */
    @JsonPropertyOrder({"what", "doing", "state", "failure", "finished"})
    public record FollowUpView(String what, String doing, String state,
            @JsonInclude(JsonInclude.Include.NON_NULL) String failure,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant finished) {
    }

    /** One translator instance. */
    @JsonPropertyOrder({"name", "health", "since", "reason", "passesInARow", "failsInARow", "rounds", "drained",
            "drainReason", "damping", "alarm", "doNoHarm", "probes"})
    public record InstanceView(String name, String health, Instant since, String reason, int passesInARow,
            int failsInARow, long rounds, boolean drained, @JsonInclude(JsonInclude.Include.NON_NULL) String drainReason,
            DampingView damping, @JsonInclude(JsonInclude.Include.NON_NULL) String alarm, DoNoHarmView doNoHarm,
            List<ProbeView> probes) {
        /** Without an alarm and with nothing excused. */
        public InstanceView(String name, String health, Instant since, String reason, int passesInARow,
                int failsInARow, long rounds, boolean drained, String drainReason, DampingView damping,
                List<ProbeView> probes) {
            this(name, health, since, reason, passesInARow, failsInARow, rounds, drained, drainReason, damping, null,
                    new DoNoHarmView(0, 0, 0, 0, 0), probes);
        }
    }

    /**
     * What the do-no-harm rules did for an instance (translator.md): rounds whose datapath
     * timeouts were excused as busy or upstream, probe runs cut by the agent's own lateness and
     * not counted, and how late probe rounds started (last, and the maximum since start).
     */
    public record DoNoHarmView(long busyRounds, long upstreamRounds, long lateProbes, double roundLatenessMs,
            double maxRoundLatenessMs) {
    }

    /** Flap damping of an instance: the figure of merit, whether it is suppressed, flaps counted. */
    public record DampingView(double figure, boolean suppressed, int flaps) {
    }

    /** One probe's last result. */
    public record ProbeView(String name, boolean passed, String reason, double latencyMs) {
    }

    /** One service: what the router is told, why, and each thing it is told through. */
    @JsonPropertyOrder({"name", "withdrawn", "reason", "since", "dependsOn", "bfd", "frrPeers", "frrRoutes"})
    public record ServiceView(String name, boolean withdrawn, String reason, Instant since, List<String> dependsOn,
            List<BfdView> bfd, List<FrrPeerView> frrPeers, List<FrrRouteView> frrRoutes) {
    }

    /**
     * A native BFD session (RFC 5880 state variables and our counters). The groups are
     * written flat in JSON, in the documented order (docs/status-json.md).
     */
    @JsonPropertyOrder({"peer", "local", "interface", "namespace", "hop", "states", "timers", "discriminators",
            "uptimeMs", "lastChange", "auth", "counters", "lost"})
    public record BfdView(String peer, String local, @JsonProperty("interface") String iface, String namespace,
            String hop, @JsonUnwrapped BfdStates states, @JsonUnwrapped BfdTimers timers,
            @JsonUnwrapped BfdDiscriminators discriminators, long uptimeMs, Instant lastChange, AuthView auth,
            Map<String, Long> counters, @JsonInclude(JsonInclude.Include.NON_NULL) String lost) {
        /** A session whose namespace is where its name says. */
        public BfdView(String peer, String local, String iface, String namespace, String hop, BfdStates states,
                BfdTimers timers, BfdDiscriminators discriminators, long uptimeMs, Instant lastChange, AuthView auth,
                Map<String, Long> counters) {
            this(peer, local, iface, namespace, hop, states, timers, discriminators, uptimeMs, lastChange, auth,
                    counters, null);
        }
    }

    /** Both ends' session state and diagnostic (RFC 5880 §6.8.1), and whether we hold it Down. */
    @JsonPropertyOrder({"state", "remoteState", "localDiag", "remoteDiag", "heldDown"})
    public record BfdStates(String state, String remoteState, String localDiag, String remoteDiag, boolean heldDown) {
    }

    /** The negotiated intervals (§6.8.2) and detection time (§6.8.4), and both multipliers. */
    @JsonPropertyOrder({"txIntervalMs", "rxIntervalMs", "detectMult", "remoteDetectMult", "detectionTimeMs"})
    public record BfdTimers(double txIntervalMs, double rxIntervalMs, int detectMult, int remoteDetectMult,
            double detectionTimeMs) {
    }

    /** Both discriminators (§6.8.1). */
    @JsonPropertyOrder({"localDiscriminator", "remoteDiscriminator"})
    public record BfdDiscriminators(long localDiscriminator, long remoteDiscriminator) {
    }

    /**
     * A session's authentication (RFC 5880 §6.7): the type, the key ID it signs with, the IDs
     * of the keys it accepts, and the key ID of the peer's last accepted packet. Never a key.
     */
    @JsonPropertyOrder({"type", "keyId", "keyIds", "peerKeyId"})
    public record AuthView(String type, @JsonInclude(JsonInclude.Include.NON_NULL) Integer keyId,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> keyIds,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer peerKeyId) {
        public static final AuthView NONE = new AuthView("none", null, List.of(), null);

        public AuthView {
            keyIds = keyIds == null ? List.of() : List.copyOf(keyIds);
        }
    }

    /**
     * What one BFD engine (one network namespace, null: the agent's own) received: its queues
     * and every packet it dropped, by reason, including junk that matched no session.
     */
    @JsonPropertyOrder({"namespace", "queues", "drops"})
    public record BfdReceiveView(String namespace, List<ReceiveQueueView> queues, Map<String, Long> drops) {
    }

    /**
     * One receive queue: {@code peers} (only configured peers with the GTSM TTL) or
     * {@code others} (everything else, read within a budget).
     */
    @JsonPropertyOrder({"family", "hop", "queue", "peers", "match", "received", "dropped"})
    public record ReceiveQueueView(String family, String hop, String queue, int peers, String match, long received,
            long dropped) {
    }

    /** An FRR bfdd peer: what bfdd reports, and whether the agent keeps it shut down. */
    public record FrrPeerView(String peer, String local, @com.fasterxml.jackson.annotation.JsonProperty("interface")
            String iface, String state, String localDiag, String remoteDiag, boolean shutdown, String bfdd) {
    }

    /** An FRR route: whether the daemon has it now. */
    public record FrrRouteView(String daemon, String prefix, boolean present, String daemonState) {
    }
}
