package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.health.HealthStatus;

/**
 * One translator instance as the agent runs it: its spec and its health. Built alone (a
 * reload keeps an unchanged instance running with its state while it rebuilds another) by
 * {@link Resources#instance}; nothing runs until {@link #start}.
 */
interface InstanceRuntime extends AutoCloseable {
    InstanceSpec spec();

    HealthStatus status();

    /**
     * Why the probes no longer watch what the spec names, so that only rebuilding them helps
     * (a namespace deleted and created again under its name: they still watch the old one);
     * null while they do. A reload rebuilds such an instance even when its spec is unchanged.
     */
    default String stale() {
        return null;
    }

    /** Starts probing (scheduled rounds; returns at once). */
    void start();

    /** Stops probing and gives back what the probes opened. */
    @Override
    void close();
}
