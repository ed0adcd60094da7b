package dev.xlatsentinel.agent.action;

import dev.xlatsentinel.frr.FrrException;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.bfdd.FrrBfdd;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An FRR bfdd peer, driven through bfdd's vty: withdrawn by {@code shutdown} (bfdd sends
 * AdminDown once, then silence), released by {@code no shutdown}. A new peer is created shut
 * down, so nothing is announced before the translator is proven. Commands run on the FRR
 * thread; when bfdd is unreachable the FRR client keeps the desired state and applies it on
 * reconnect.
 */
public final class FrrPeerActuator implements Actuator {
    private static final Logger LOG = LoggerFactory.getLogger(FrrPeerActuator.class);

    private final FrrBfdd bfdd;
    private final BfdPeerSpec spec;
    private final Executor frrThread;
    private final AtomicBoolean applied = new AtomicBoolean();
    private volatile Standing standing;

    /**
     * Makes bfdd have the peer in {@code shut} state: a new service's peer is created shut
     * down; a changed one keeps the state its service is in (bfdd applies only the difference).
     */
    private FrrPeerActuator(FrrBfdd bfdd, BfdPeerSpec spec, boolean shut, Executor frrThread) {
        this.bfdd = bfdd;
        this.spec = spec;
        this.frrThread = frrThread;
        this.standing = shut ? Standing.WITHDRAWN : Standing.RELEASED;
        frrThread.execute(() -> {
            if (run(shut ? "create (shut down)" : "update", () -> bfdd.ensurePeer(spec.withShutdown(shut))) && shut) {
                applied.set(true);
            }
        });
    }

    /**
     * A peer to ensure at commit, through {@code bfdd} (a client the reload's prepare opened or
     * found open): nothing is sent to bfdd before the commit.
     */
    public static PreparedActuator prepare(FrrBfdd bfdd, BfdPeerSpec spec, Executor frrThread) {
        return new PreparedActuator() {
            @Override
            public String describe() {
                return "frr bfdd peer " + spec.key();
            }

            @Override
            public Actuator commit(boolean withdrawn, String reason) {
                return new FrrPeerActuator(bfdd, spec, withdrawn, frrThread);
            }

            @Override
            public void abort() {
                // Nothing was sent.
            }
        };
    }

    public BfdPeerSpec spec() {
        return spec;
    }

    @Override
    public String describe() {
        return "frr bfdd peer " + spec.key();
    }

    @Override
    public void withdraw(String reason) {
        standing = Standing.WITHDRAWN;
        applied.set(false);
        frrThread.execute(() -> {
            if (run("shutdown", () -> bfdd.shutdown(spec.key()))) {
                applied.set(true);
            }
        });
    }

    @Override
    public void release() {
        standing = Standing.RELEASED;
        applied.set(false);
        frrThread.execute(() -> run("no shutdown", () -> bfdd.noShutdown(spec.key())));
    }

    @Override
    public boolean withdrawalSeen() {
        return applied.get();
    }

    @Override
    public Standing standing() {
        return standing;
    }

    /** Deletes the peer from bfdd (on the FRR thread). */
    @Override
    public CompletableFuture<Void> remove() {
        standing = Standing.REMOVED;
        CompletableFuture<Void> done = new CompletableFuture<>();
        frrThread.execute(() -> {
            try {
                bfdd.remove(spec.key());
                done.complete(null);
            } catch (RuntimeException e) {
                LOG.warn("{}: remove failed: {} (bfdd keeps the peer)", describe(), e.getMessage());
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private boolean run(String what, FrrCall call) {
        try {
            call.run();
            return true;
        } catch (FrrException e) {
            LOG.warn("{}: {} failed: {} (the desired state is kept and applied when bfdd answers)", describe(),
                    what, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("{}: {} failed", describe(), what, e);
            return false;
        }
    }

    @FunctionalInterface
    interface FrrCall {
        Object run() throws FrrException;
    }
}
