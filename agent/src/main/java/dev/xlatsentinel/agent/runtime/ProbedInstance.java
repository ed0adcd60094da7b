package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.sched.RealtimeThreads;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.assembly.TranslatorHealth;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.config.TranslatorConfig;
import dev.xlatsentinel.translator.health.HealthListener;
import dev.xlatsentinel.translator.health.HealthStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** An instance probed for real: the translator module's {@link TranslatorHealth} for it alone. */
final class ProbedInstance implements InstanceRuntime {
    private final String name;
    private final InstanceSpec spec;
    private final TranslatorHealth health;
    /** The namespaces the probes entered by name (translator's, probes'), with their inode then. */
    private final Map<String, Long> entered;

    private ProbedInstance(String name, InstanceSpec spec, TranslatorHealth health, Map<String, Long> entered) {
        this.name = name;
        this.spec = spec;
        this.health = health;
        this.entered = entered;
    }

    /**
     * Builds the instance's probes (opens namespaces and sockets), their deciding threads raised
     * by {@code realtime}; nothing runs until {@link #start}.
     */
    static ProbedInstance build(String name, InstanceSpec spec, Scheduler scheduler, RealtimeThreads realtime,
            HealthListener listener) {
        TranslatorHealth h = TranslatorHealth.create(new TranslatorConfig(Map.of(name, spec)), scheduler, realtime);
        h.addListener(listener);
        Map<String, Long> entered = new LinkedHashMap<>();
        remember(entered, spec.namespace());
        remember(entered, spec.probeNamespace() == null ? null : spec.probeNamespace().name());
        return new ProbedInstance(name, spec, h, entered);
    }

    private static void remember(Map<String, Long> entered, String namespace) {
        if (namespace == null || namespace.startsWith("/")) {
            return; // a path (/proc/PID/ns/net) is not looked up again by name
        }
        try {
            entered.put(namespace, NetworkNamespace.inodeOf(NetworkNamespace.resolve(namespace)));
        } catch (IOException | RuntimeException e) {
            // Not there: nothing to compare with later.
        }
    }

    /**
     * A namespace the probes entered by name is there again under that name, but is another
     * one. A namespace that is gone is not stale: rebuilding could not enter it (the instance
     * stays DOWN, and a reload for something else is not refused for it).
     */
    @Override
    public String stale() {
        for (Map.Entry<String, Long> e : entered.entrySet()) {
            Path file = NetworkNamespace.resolve(e.getKey());
            try {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && NetworkNamespace.inodeOf(file) != e.getValue()) {
                    return "network namespace " + e.getKey() + " was created again";
                }
            } catch (IOException e2) {
                // Vanished between the two looks: gone, not stale.
            }
        }
        return null;
    }

    @Override
    public InstanceSpec spec() {
        return spec;
    }

    @Override
    public HealthStatus status() {
        return health.instance(name).status();
    }

    @Override
    public void start() {
        health.start();
    }

    @Override
    public void close() {
        health.close();
    }
}
