package dev.xlatsentinel.frr.bfdd;

import dev.xlatsentinel.frr.config.ConfigConflictException;
import dev.xlatsentinel.frr.config.DesiredState;
import dev.xlatsentinel.frr.config.DesiredState.Outcome;
import dev.xlatsentinel.frr.vty.Reachability;
import dev.xlatsentinel.frr.vty.VtyClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Desired-state control of FRR bfdd's peers through bfdd's vty socket: what the agent uses in
 * "frr" mode instead of its own BFD.
 *
 * <p>Every change is idempotent (a second identical call sends nothing) and all-or-nothing
 * (a rejected line rolls the peer back; see {@link DesiredState}). Desired peers are re-applied
 * whenever the client (re)connects, so a bfdd that restarts gets them back. While bfdd is
 * unreachable, calls throw {@link dev.xlatsentinel.frr.vty.VtyUnreachableException} at once
 * and keep the new desired state for the reconnect; {@link #status()} says since when and why.
 *
 * <p>Note that {@link #shutdown} makes bfdd send one AdminDown packet and go silent: RFC
 * 5882 §3.2 lets the router keep its route then. See docs/frr.md.
 */
public final class FrrBfdd implements AutoCloseable {
    private final VtyClient client;
    private final BfddPeerModel model = new BfddPeerModel();
    private final DesiredState<PeerKey, BfdPeerSpec> state;
    private final PeerStateWatcher watcher;

    private FrrBfdd(FrrBfddConfig config) {
        this.state = new DesiredState<>("bfdd peer", model);
        this.client = VtyClient.start(config.endpoint(), config.vty(), state::restoreAll);
        this.watcher = config.pollInterval() == null ? null : new PeerStateWatcher(this::peers, config.pollInterval());
    }

    /**
     * Starts the client and waits up to the connect timeout for bfdd; an unreachable bfdd is not
     * an error here ({@link #status()} shows it, and the client keeps trying).
     */
    public static FrrBfdd open(FrrBfddConfig config) {
        FrrBfdd b = new FrrBfdd(config);
        b.client.awaitReachable(config.vty().connectTimeout());
        return b;
    }

    /** Makes bfdd have this peer with exactly these settings (and shutdown state). */
    public Outcome ensurePeer(BfdPeerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        PeerKey key = spec.key();
        // One bfdd session, one desired entry: a new local address of a single-hop peer replaces the old key.
        state.desired().keySet().stream().filter(k -> k.sameSession(key) && !k.equals(key)).forEach(state::forget);
        return state.ensure(client, key, Optional.of(spec));
    }

    /**
     * Administratively shuts the peer down (bfdd sends AdminDown). A peer configured outside
     * the agent (frr.conf) is adopted with its current settings.
     *
     * @throws ConfigConflictException when bfdd has no such peer
     */
    public Outcome shutdown(PeerKey key) {
        return ensurePeer(current(key).withShutdown(true));
    }

    /** Brings a shut-down peer back ({@code no shutdown}); see {@link #shutdown}. */
    public Outcome noShutdown(PeerKey key) {
        return ensurePeer(current(key).withShutdown(false));
    }

    /** Deletes the peer from bfdd and keeps it absent. bfdd sends nothing on deletion (the router notices by timeout). */
    public Outcome remove(PeerKey key) {
        Objects.requireNonNull(key, "key");
        return state.ensure(client, desiredKey(key).orElse(key), Optional.empty());
    }

    /** {@code show bfd peers json}, parsed. */
    public List<BfdPeer> peers() {
        return BfdJson.peers(client.execute("show bfd peers json"));
    }

    /** {@code show bfd peers counters json}, parsed. */
    public List<BfdPeerCounters> counters() {
        return BfdJson.counters(client.execute("show bfd peers counters json"));
    }

    /** What bfdd reports for one peer, if it has it. */
    public Optional<BfdPeer> peer(PeerKey key) {
        return peers().stream().filter(p -> p.key().sameSession(key)).findFirst();
    }

    /** Reachable, or unreachable since when and why. */
    public Reachability status() {
        return client.reachability();
    }

    /** Peers this instance keeps in bfdd (the removed ones are not listed). */
    public Map<PeerKey, BfdPeerSpec> desiredPeers() {
        Map<PeerKey, BfdPeerSpec> out = new LinkedHashMap<>();
        state.desired().forEach((k, v) -> v.ifPresent(s -> out.put(k, s)));
        return out;
    }

    /** Polled peer state changes; needs a {@link FrrBfddConfig#pollInterval()}. */
    public void addListener(PeerStateListener listener) {
        if (watcher == null) {
            throw new IllegalStateException("pollInterval: polling is off in this FrrBfddConfig");
        }
        watcher.addListener(listener);
    }

    /** Re-reads bfdd's running config and re-applies every desired peer that drifted. */
    public void reconcile() {
        client.call(s -> {
            state.restoreAll(s);
            return null;
        });
    }

    /** The underlying client (round-trip count, raw commands). */
    public VtyClient client() {
        return client;
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        client.close();
    }

    private BfdPeerSpec current(PeerKey key) {
        Objects.requireNonNull(key, "key");
        Optional<PeerKey> known = desiredKey(key);
        if (known.isPresent()) {
            return state.desired(known.get()).flatMap(v -> v).orElseThrow(() -> new ConfigConflictException(
                    "bfdd peer " + key + " was removed; ensurePeer it again first"));
        }
        return client.call(s -> model.read(s).apply(key))
                .orElseThrow(() -> new ConfigConflictException("bfdd has no peer " + key));
    }

    private Optional<PeerKey> desiredKey(PeerKey key) {
        return state.desired().keySet().stream().filter(k -> k.sameSession(key)).findFirst();
    }
}
