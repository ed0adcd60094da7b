package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.translator.assembly.TranslatorHealth;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.config.TranslatorConfig;
import dev.xlatsentinel.translator.health.HealthListener;
import dev.xlatsentinel.translator.health.HealthStatus;
import dev.xlatsentinel.translator.health.InstanceHealth;
import dev.xlatsentinel.platform.time.Scheduler;
import java.util.Map;

/**
 * One translator instance as the agent runs it: its spec and its health (built alone, so a
 * reload can keep an unchanged instance running with its state while it rebuilds another).
 */
final class InstanceRuntime implements AutoCloseable {
    private final String name;
    private final InstanceSpec spec;
    private final TranslatorHealth health;

    private InstanceRuntime(String name, InstanceSpec spec, TranslatorHealth health) {
        this.name = name;
        this.spec = spec;
        this.health = health;
    }

    /** Builds the instance's probes (opens namespaces and sockets); nothing runs until {@link #start}. */
    static InstanceRuntime build(String name, InstanceSpec spec, Scheduler scheduler, HealthListener listener) {
        TranslatorHealth h = TranslatorHealth.create(new TranslatorConfig(Map.of(name, spec)), scheduler);
        h.addListener(listener);
        return new InstanceRuntime(name, spec, h);
    }

    String name() {
        return name;
    }

    InstanceSpec spec() {
        return spec;
    }

    InstanceHealth health() {
        return health.instance(name);
    }

    HealthStatus status() {
        return health().status();
    }

    void start() {
        health.start();
    }

    @Override
    public void close() {
        health.close();
    }
}
