package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import dev.xlatsentinel.agent.config.ServiceConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** One service as the agent runs it: its config, its actuators, and what the router is told. */
final class ServiceRuntime {
    final String name;
    ServiceConfig config;
    /** In the order of the config: native sessions, FRR peers, FRR routes. */
    final List<Actuator> actuators = new ArrayList<>();
    /** What names each actuator in a reload plan: session key, FRR peer key, route. */
    final Map<Actuator, Object> identities = new IdentityHashMap<>();
    /** Every service starts withdrawn: nothing is announced before its instances pass rise. */
    boolean withdrawn = true;
    String reason = "starting";
    Instant since;

    ServiceRuntime(String name, ServiceConfig config, Instant now) {
        this.name = name;
        this.config = config;
        this.since = now;
    }

    /** Applies the service's state to one actuator (a new one, or one whose state is unknown). */
    void applyTo(Actuator a) {
        if (withdrawn) {
            a.withdraw(reason);
        } else {
            a.release();
        }
    }
}
