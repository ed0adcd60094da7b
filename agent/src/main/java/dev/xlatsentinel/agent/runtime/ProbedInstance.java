package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.assembly.TranslatorHealth;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.config.TranslatorConfig;
import dev.xlatsentinel.translator.health.HealthListener;
import dev.xlatsentinel.translator.health.HealthStatus;
import java.util.Map;

/** An instance probed for real: the translator module's {@link TranslatorHealth} for it alone. */
final class ProbedInstance implements InstanceRuntime {
    private final String name;
    private final InstanceSpec spec;
    private final TranslatorHealth health;

    private ProbedInstance(String name, InstanceSpec spec, TranslatorHealth health) {
        this.name = name;
        this.spec = spec;
        this.health = health;
    }

    /** Builds the instance's probes (opens namespaces and sockets); nothing runs until {@link #start}. */
    static ProbedInstance build(String name, InstanceSpec spec, Scheduler scheduler, HealthListener listener) {
        TranslatorHealth h = TranslatorHealth.create(new TranslatorConfig(Map.of(name, spec)), scheduler);
        h.addListener(listener);
        return new ProbedInstance(name, spec, h);
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
