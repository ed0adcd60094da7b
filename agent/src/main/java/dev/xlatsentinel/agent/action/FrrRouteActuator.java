package dev.xlatsentinel.agent.action;

import dev.xlatsentinel.frr.FrrException;
import dev.xlatsentinel.frr.route.FrrRoutes;
import dev.xlatsentinel.frr.route.RouteSpec;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route the gateway originates through FRR (a staticd route redistributed into OSPF/BGP,
 * or a bgpd {@code network} statement): withdrawn by removing it, released by adding it.
 */
public final class FrrRouteActuator implements Actuator {
    private static final Logger LOG = LoggerFactory.getLogger(FrrRouteActuator.class);

    private final FrrRoutes routes;
    private final RouteSpec route;
    private final Executor frrThread;
    private final AtomicBoolean applied = new AtomicBoolean();

    public FrrRouteActuator(FrrRoutes routes, RouteSpec route, Executor frrThread) {
        this.routes = routes;
        this.route = route;
        this.frrThread = frrThread;
    }

    public RouteSpec route() {
        return route;
    }

    @Override
    public String describe() {
        return "frr " + route.daemon() + " route " + route.ipPrefix();
    }

    @Override
    public void withdraw(String reason) {
        applied.set(false);
        frrThread.execute(() -> {
            if (run("withdraw", () -> routes.withdraw(route))) {
                applied.set(true);
            }
        });
    }

    @Override
    public void release() {
        applied.set(false);
        frrThread.execute(() -> run("restore", () -> routes.restore(route)));
    }

    @Override
    public boolean withdrawalSeen() {
        return applied.get();
    }

    @Override
    public void close() {
        // The service is gone from the config: leave the route as the operator configured it.
    }

    private boolean run(String what, FrrPeerActuator.FrrCall call) {
        try {
            call.run();
            return true;
        } catch (FrrException e) {
            LOG.warn("{}: {} failed: {}", describe(), what, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("{}: {} failed", describe(), what, e);
            return false;
        }
    }
}
