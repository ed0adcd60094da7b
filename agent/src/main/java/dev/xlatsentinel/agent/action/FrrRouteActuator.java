package dev.xlatsentinel.agent.action;

import dev.xlatsentinel.frr.FrrException;
import dev.xlatsentinel.frr.route.FrrRoutes;
import dev.xlatsentinel.frr.route.RouteSpec;
import java.util.concurrent.CompletableFuture;
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
    private volatile Standing standing = Standing.RELEASED;

    private FrrRouteActuator(FrrRoutes routes, RouteSpec route, Executor frrThread) {
        this.routes = routes;
        this.route = route;
        this.frrThread = frrThread;
    }

    /** A route to put in the service's state at commit; nothing is sent before. */
    public static PreparedActuator prepare(FrrRoutes routes, RouteSpec route, Executor frrThread) {
        return new PreparedActuator() {
            @Override
            public String describe() {
                return "frr " + route.daemon() + " route " + route.ipPrefix();
            }

            @Override
            public Actuator commit(boolean withdrawn, String reason) {
                FrrRouteActuator a = new FrrRouteActuator(routes, route, frrThread);
                if (withdrawn) {
                    a.withdraw(reason);
                } else {
                    a.release();
                }
                return a;
            }

            @Override
            public void abort() {
                // Nothing was sent.
            }
        };
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
        standing = Standing.WITHDRAWN;
        applied.set(false);
        frrThread.execute(() -> {
            if (run("withdraw", () -> routes.withdraw(route))) {
                applied.set(true);
            }
        });
    }

    @Override
    public void release() {
        standing = Standing.RELEASED;
        applied.set(false);
        frrThread.execute(() -> run("restore", () -> routes.restore(route)));
    }

    @Override
    public boolean withdrawalSeen() {
        return applied.get();
    }

    @Override
    public Standing standing() {
        return standing;
    }

    /** The service is gone from the config: the route is left as the operator configured it. */
    @Override
    public CompletableFuture<Void> remove() {
        standing = Standing.REMOVED;
        return CompletableFuture.completedFuture(null);
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
