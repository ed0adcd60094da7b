package dev.xlatsentinel.frr.bfdd;

import dev.xlatsentinel.frr.FrrException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls bfdd's peer list and reports changes of state or diagnostic. bfdd has no push
 * notification on its vty, so a poll it is; while bfdd is unreachable polls fail fast and the
 * last known list is kept (the client's reachability says why).
 */
final class PeerStateWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerStateWatcher.class);

    private final Supplier<List<BfdPeer>> source;
    private final List<PeerStateListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private Map<PeerKey, BfdPeer> last = Map.of(); // poll thread only

    PeerStateWatcher(Supplier<List<BfdPeer>> source, Duration every) {
        this.source = source;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bfdd-peer-poll");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::poll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    void addListener(PeerStateListener l) {
        listeners.add(l);
    }

    private void poll() {
        Map<PeerKey, BfdPeer> now = new LinkedHashMap<>();
        try {
            for (BfdPeer p : source.get()) {
                now.put(p.key(), p);
            }
        } catch (FrrException e) {
            return;
        } catch (RuntimeException e) {
            LOG.warn("polling bfdd peers failed", e);
            return;
        }
        Instant seen = Instant.now();
        Set<PeerKey> keys = new HashSet<>(last.keySet());
        keys.addAll(now.keySet());
        for (PeerKey k : keys) {
            BfdPeer before = last.get(k);
            BfdPeer after = now.get(k);
            if (before != null && after != null && before.state() == after.state()
                    && before.localDiag() == after.localDiag()) {
                continue;
            }
            PeerStateChange c = new PeerStateChange(k, before == null ? null : before.state(),
                    after == null ? null : after.state(), after == null ? BfdDiag.NO_DIAGNOSTIC : after.localDiag(),
                    after, seen);
            LOG.info("{}", c);
            for (PeerStateListener l : listeners) {
                try {
                    l.changed(c);
                } catch (RuntimeException e) {
                    LOG.warn("peer state listener failed on {}", c, e);
                }
            }
        }
        last = now;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
