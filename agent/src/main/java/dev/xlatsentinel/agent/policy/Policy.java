package dev.xlatsentinel.agent.policy;

import dev.xlatsentinel.platform.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Health to routing, in one place: a service is withdrawn while any instance it depends on
 * is not UP, is drained (by the operator, or by the maintenance file), or is suppressed by
 * flap damping; a withdrawn service stays withdrawn for at least the minimum hold time.
 * At start every instance is STARTING, so every service starts withdrawn.
 *
 * <p>Not thread-safe: the agent calls it from one thread. Time is passed in (nanoseconds of
 * a monotonic clock), so tests drive it by hand.
 */
public final class Policy {
    private static final class Instance {
        Health health = Health.STARTING;
        String healthReason = "not probed yet";
        String drainReason;
        FlapDamping damping;
    }

    private static final class Service {
        List<String> dependsOn;
        boolean withdrawn = true;
        /** Set when a health failure withdrew the service; a drain does not start a hold. */
        boolean holding;
        long holdUntil;
        String reason = "starting";
    }

    private DampingSettings damping;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private String drainAllReason;
    private String maintenanceReason;

    public Policy(DampingSettings damping) {
        this.damping = Objects.requireNonNull(damping);
    }

    /**
     * Sets the instances and services (at start and on reload). Instances and services that
     * already exist keep their state; new ones start withdrawn; gone ones are forgotten.
     */
    public void define(List<String> instanceNames, Map<String, List<String>> serviceDependencies, long now) {
        instances.keySet().retainAll(instanceNames);
        for (String name : instanceNames) {
            instances.computeIfAbsent(name, n -> {
                Instance i = new Instance();
                i.damping = new FlapDamping(damping, now);
                return i;
            });
        }
        services.keySet().retainAll(serviceDependencies.keySet());
        serviceDependencies.forEach((name, deps) -> {
            for (String d : deps) {
                if (!instances.containsKey(d)) {
                    throw new IllegalArgumentException("service " + name + " depends on unknown instance " + d);
                }
            }
            Service s = services.computeIfAbsent(name, n -> new Service());
            s.dependsOn = List.copyOf(deps);
        });
    }

    /**
     * New damping settings (reload): figures of merit and holds in progress are kept and
     * read with the new thresholds.
     */
    public void damping(DampingSettings settings) {
        this.damping = Objects.requireNonNull(settings);
        instances.values().forEach(i -> i.damping.settings(settings));
    }

    /** An instance's health changed; a fall from UP to DOWN is a flap for damping. */
    public void health(String instance, Health health, String reason, long now) {
        Instance i = instance(instance);
        if (i.health == Health.UP && health == Health.DOWN) {
            i.damping.flap(now);
        }
        i.health = health;
        i.healthReason = reason;
    }

    /** Drains one instance (planned withdrawal); {@code null} instance drains all. */
    public void drain(String instance, String reason) {
        String r = reason == null || reason.isBlank() ? "no reason given" : reason;
        if (instance == null) {
            drainAllReason = r;
        } else {
            instance(instance).drainReason = r;
        }
    }

    /** Undrains one instance; {@code null} undrains all (each instance and the global drain). */
    public void undrain(String instance) {
        if (instance == null) {
            drainAllReason = null;
            instances.values().forEach(i -> i.drainReason = null);
        } else {
            instance(instance).drainReason = null;
        }
    }

    /** The maintenance file appeared ({@code path} non-null) or went away ({@code null}). */
    public void maintenance(String path) {
        maintenanceReason = path == null ? null : "maintenance file " + path + " exists";
    }

    /**
     * Decides every service now and returns the verdicts that differ from the last ones
     * (applied as returned: the caller acts on each).
     */
    public List<Verdict> evaluate(long now) {
        List<Verdict> changed = new ArrayList<>();
        services.forEach((name, s) -> {
            Cause cause = withdrawCause(s, now);
            if (cause == null && s.withdrawn && s.holding && now - s.holdUntil < 0) {
                cause = new Cause("min-hold " + Durations.format(damping.minHold()) + " after withdrawal", false);
            }
            boolean withdraw = cause != null;
            String reason = withdraw ? cause.text() : "all of " + String.join(", ", s.dependsOn) + " UP";
            if (withdraw == s.withdrawn && reason.equals(s.reason)) {
                return;
            }
            if (withdraw && !s.withdrawn) {
                s.holding = cause.health() && !damping.minHold().isZero();
                s.holdUntil = now + damping.minHold().toNanos();
            }
            s.withdrawn = withdraw;
            s.reason = reason;
            changed.add(new Verdict(name, withdraw, reason));
        });
        return changed;
    }

    /** The last verdict for a service. */
    public Verdict verdict(String service) {
        Service s = services.get(service);
        if (s == null) {
            throw new IllegalArgumentException("unknown service " + service);
        }
        return new Verdict(service, s.withdrawn, s.reason);
    }

    /**
     * The earliest time at which {@link #evaluate} may give a different answer without any
     * input changing (a hold or a suppression ending), or {@link Long#MAX_VALUE}.
     */
    public long nextReconsideration(long now) {
        long next = Long.MAX_VALUE;
        for (Service s : services.values()) {
            if (s.withdrawn && s.holding && s.holdUntil - now > 0) {
                next = Math.min(next, s.holdUntil);
            }
        }
        for (Instance i : instances.values()) {
            next = Math.min(next, i.damping.suppressedUntil(now));
        }
        return next;
    }

    /** What status shows of an instance's drain and damping. */
    public record InstanceView(String name, Health health, String healthReason, String drainReason,
            double dampingFigure, boolean suppressed, int flaps) {
    }

    public InstanceView instanceView(String name, long now) {
        Instance i = instance(name);
        String drain = i.drainReason != null ? i.drainReason
                : drainAllReason != null ? drainAllReason : maintenanceReason;
        return new InstanceView(name, i.health, i.healthReason, drain, i.damping.figure(now),
                i.damping.suppressed(now), i.damping.flaps());
    }

    public boolean withdrawn(String service) {
        return verdict(service).withdraw();
    }

    /** Why a service must be withdrawn; {@code health} marks a failure (which starts a hold). */
    private record Cause(String text, boolean health) {
    }

    private Cause withdrawCause(Service s, long now) {
        for (String d : s.dependsOn) {
            Instance i = instances.get(d);
            if (i.health != Health.UP) {
                return new Cause("instance " + d + " " + i.health + " (" + i.healthReason + ")",
                        i.health == Health.DOWN);
            }
            if (i.drainReason != null) {
                return new Cause("instance " + d + " drained: " + i.drainReason, false);
            }
            if (drainAllReason != null) {
                return new Cause("all instances drained: " + drainAllReason, false);
            }
            if (maintenanceReason != null) {
                return new Cause(maintenanceReason, false);
            }
            if (i.damping.suppressed(now)) {
                // The figure itself decays continuously: status shows it, the reason does not.
                return new Cause("instance " + d + " suppressed by flap damping (" + i.damping.flaps()
                        + " flaps)", true);
            }
        }
        return null;
    }

    private Instance instance(String name) {
        Instance i = instances.get(name);
        if (i == null) {
            throw new IllegalArgumentException("unknown instance " + name);
        }
        return i;
    }
}
