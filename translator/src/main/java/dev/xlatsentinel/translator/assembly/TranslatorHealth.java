package dev.xlatsentinel.translator.assembly;

import dev.xlatsentinel.platform.sched.RealtimeThreads;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.config.ConfigValidator;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.config.ProbeNamespaceSpec;
import dev.xlatsentinel.translator.config.ProbeSpec;
import dev.xlatsentinel.translator.config.TranslatorConfig;
import dev.xlatsentinel.translator.health.HealthListener;
import dev.xlatsentinel.translator.event.DirectoryWatch;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.event.ProbeEvent;
import dev.xlatsentinel.translator.health.InstanceHealth;
import dev.xlatsentinel.translator.health.Precondition;
import dev.xlatsentinel.translator.netns.NamespacePresence;
import dev.xlatsentinel.translator.netns.ProbeNamespaceSetup;
import dev.xlatsentinel.translator.probe.Probe;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every translator instance's health, built from config: the agent's entry point.
 *
 * <pre>{@code
 * TranslatorConfig cfg = yaml.treeToValue(node.get("translator"), TranslatorConfig.class);
 * try (SystemScheduler clock = new SystemScheduler("health");
 *      TranslatorHealth health = TranslatorHealth.create(cfg, clock)) {   // validates; throws InvalidConfigException
 *     health.addListener(change -> policy.onHealth(change));            // every change of every instance
 *     health.start();
 *     ...
 * }
 * }</pre>
 * Creating it validates the config, creates missing probe namespaces (those with
 * {@code create: true}), enters the namespaces and opens the probe sockets; nothing is
 * half-built: on failure everything opened so far is closed. Probe namespaces it created
 * are left in place at {@link #close()}, so that a restarted agent reuses them.
 */
public final class TranslatorHealth implements AutoCloseable {
    private final Map<String, InstanceHealth> instances;
    private final Namespaces namespaces;
    private final List<AutoCloseable> owned;

    private TranslatorHealth(Map<String, InstanceHealth> instances, Namespaces namespaces, List<AutoCloseable> owned) {
        this.instances = Collections.unmodifiableMap(instances);
        this.namespaces = namespaces;
        this.owned = owned;
    }

    /** Validates {@code config} and builds every instance; nothing runs until {@link #start()}. */
    public static TranslatorHealth create(TranslatorConfig config, Scheduler scheduler) {
        return create(config, scheduler, RealtimeThreads.OFF);
    }

    /**
     * As {@link #create(TranslatorConfig, Scheduler)}, with the threads it starts on the way
     * from a fault to the wire (events, ICMP receivers, namespace threads) raised by
     * {@code realtime}. The scheduler's own thread is the caller's to raise.
     */
    public static TranslatorHealth create(TranslatorConfig config, Scheduler scheduler, RealtimeThreads realtime) {
        ConfigValidator.check(config);
        Namespaces namespaces = new Namespaces(String.join("+", config.instances().keySet()), realtime);
        List<AutoCloseable> owned = new ArrayList<>();
        Map<String, InstanceHealth> built = new LinkedHashMap<>();
        try {
            ProbeFactory factory = new ProbeFactory(namespaces, scheduler, owned);
            for (Map.Entry<String, InstanceSpec> e : config.instances().entrySet()) {
                InstanceSpec spec = e.getValue();
                ProbeNamespaceSpec pn = spec.probeNamespace();
                if (pn != null && Boolean.TRUE.equals(pn.create())) {
                    ProbeNamespaceSetup.ensure(new ProbeNamespaceSetup.Plan(pn.name(), spec.namespace(),
                            pn.probeInterface(), pn.translatorInterface(), pn.probeAddress(), pn.translatorAddress()));
                }
                List<Probe> probes = new ArrayList<>();
                for (ProbeSpec p : spec.probes()) {
                    probes.add(factory.build(spec, p));
                }
                for (ProbeSpec p : spec.probes()) {
                    Probe evidence = factory.buildNative(spec, p);
                    if (evidence != null) {
                        probes.add(evidence);
                    }
                }
                List<Precondition> preconditions = new ArrayList<>();
                if (spec.namespace() != null && !spec.namespace().startsWith("/")) {
                    preconditions.add(new NamespacePresence(namespaces.get(spec.namespace())));
                }
                InstanceHealth health = new InstanceHealth(e.getKey(), spec.health().policy(), probes, preconditions,
                        scheduler);
                for (Precondition c : preconditions) {
                    watchNamespace(namespaces, (NamespacePresence) c, health, scheduler);
                }
                built.put(e.getKey(), health);
            }
        } catch (RuntimeException e) {
            closeAll(owned);
            namespaces.close();
            throw e;
        }
        return new TranslatorHealth(built, namespaces, owned);
    }

    /**
     * Watches the namespace's name in /run/netns: its deletion (or replacement) is seen at once,
     * not at the end of the next round.
     */
    private static void watchNamespace(Namespaces namespaces, NamespacePresence presence, InstanceHealth health,
            Scheduler scheduler) {
        DirectoryWatch dir = namespaces.directoryWatch(presence.file().getParent());
        if (dir == null) {
            return;
        }
        dir.onChange(presence.file().getFileName().toString(), () -> {
            String broken = presence.violated();
            if (broken != null) {
                health.event(new ProbeEvent(presence.name(), true, broken + " (seen by an inotify event)",
                        EventMode.DOWN, scheduler.nanoTime()));
            }
        });
    }

    /** Starts every instance's first round. */
    public void start() {
        instances.values().forEach(InstanceHealth::start);
    }

    /** Adds {@code listener} to every instance. */
    public void addListener(HealthListener listener) {
        instances.values().forEach(h -> h.addListener(listener));
    }

    /** The instance called {@code name}, or null. */
    public InstanceHealth instance(String name) {
        return instances.get(name);
    }

    /** All instances, in config order. */
    public Map<String, InstanceHealth> instances() {
        return instances;
    }

    @Override
    public void close() {
        instances.values().forEach(InstanceHealth::close);
        closeAll(owned);
        namespaces.close();
    }

    private static void closeAll(List<AutoCloseable> all) {
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                // closing: nothing left to do with the error
            }
        }
    }
}
