package dev.xlatsentinel.frr.route;

import dev.xlatsentinel.frr.config.DesiredState;
import dev.xlatsentinel.frr.config.DesiredState.Outcome;
import dev.xlatsentinel.frr.vty.Reachability;
import dev.xlatsentinel.frr.vty.VtyClient;
import dev.xlatsentinel.frr.vty.VtyEndpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Withdraws and restores routes that the gateway redistributes (staticd routes, bgpd
 * {@code network} statements) through the daemons' vty sockets, with the same rules as
 * {@link dev.xlatsentinel.frr.bfdd.FrrBfdd}: idempotent, rolled back when FRR rejects a line,
 * re-applied when a daemon restarts, "unreachable since ..." instead of waiting. One client per
 * daemon, created on first use.
 */
public final class FrrRoutes implements AutoCloseable {
    private record Daemon(VtyClient client, DesiredState<RouteSpec, RouteSpec> state) {
    }

    private final FrrRoutesConfig config;
    private final RouteModel model = new RouteModel();
    private final Map<String, Daemon> daemons = new LinkedHashMap<>();

    private FrrRoutes(FrrRoutesConfig config) {
        this.config = config;
    }

    public static FrrRoutes open(FrrRoutesConfig config) {
        return new FrrRoutes(config);
    }

    /** Removes the route from the daemon's configuration (and keeps it removed). */
    public Outcome withdraw(RouteSpec route) {
        Objects.requireNonNull(route, "route");
        return daemon(route).state().ensure(daemon(route).client(), route.key(), Optional.empty());
    }

    /** Puts the route (back) into the daemon's configuration. */
    public Outcome restore(RouteSpec route) {
        Objects.requireNonNull(route, "route");
        return daemon(route).state().ensure(daemon(route).client(), route.key(), Optional.of(route));
    }

    /** Whether the daemon's running config has the route now (one round trip). */
    public boolean isConfigured(RouteSpec route) {
        Daemon d = daemon(route);
        return d.client().call(s -> model.read(s).apply(route.key())).isPresent();
    }

    /** Reachability of each daemon used so far. */
    public Map<String, Reachability> status() {
        Map<String, Reachability> out = new LinkedHashMap<>();
        synchronized (daemons) {
            daemons.forEach((name, d) -> out.put(name, d.client().reachability()));
        }
        return out;
    }

    /** The client for the daemon that holds {@code route} (round trips, raw commands). */
    public VtyClient client(RouteSpec route) {
        return daemon(route).client();
    }

    @Override
    public void close() {
        synchronized (daemons) {
            daemons.values().forEach(d -> d.client().close());
            daemons.clear();
        }
    }

    private Daemon daemon(RouteSpec route) {
        String name = route instanceof StaticRoute ? config.staticDaemonNow() : route.daemon();
        synchronized (daemons) {
            return daemons.computeIfAbsent(name, n -> {
                DesiredState<RouteSpec, RouteSpec> state = new DesiredState<>(n + " route", model);
                VtyClient client = VtyClient.start(new VtyEndpoint(config.vtyDir(), n), config.vty(),
                        state::restoreAll);
                client.awaitReachable(config.vty().connectTimeout());
                return new Daemon(client, state);
            });
        }
    }
}
