package dev.xlatsentinel.frr.bfdd;

import dev.xlatsentinel.frr.config.DesiredState;
import dev.xlatsentinel.frr.config.RunningConfig;
import dev.xlatsentinel.frr.vty.VtySession;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How bfdd peers are read from bfdd's running config and what lines change them. bfdd prints
 * only non-default settings, so a missing line is FRR's default; 8.4 has no
 * {@code no receive-interval} (or {@code no detect-multiplier}), so a value goes back to its
 * default by setting the default.
 */
final class BfddPeerModel implements DesiredState.Model<PeerKey, BfdPeerSpec> {

    @Override
    public Function<PeerKey, Optional<BfdPeerSpec>> read(VtySession session) {
        List<BfdPeerSpec> peers = parse(session.execute("show running-config"));
        return key -> peers.stream().filter(p -> p.key().sameSession(key)).findFirst();
    }

    /** The peers in bfdd's running config; peers with options this model does not know are skipped. */
    static List<BfdPeerSpec> parse(String runningConfig) {
        List<BfdPeerSpec> out = new ArrayList<>();
        Optional<RunningConfig.Line> bfd = RunningConfig.parse(runningConfig).top("bfd");
        if (bfd.isEmpty()) {
            return out;
        }
        for (RunningConfig.Line peer : bfd.get().children("peer ")) {
            PeerKey key = parseKey(peer.words());
            if (key != null) {
                out.add(parseSettings(key, peer.children()));
            }
        }
        return out;
    }

    /** "peer ADDR [multihop] [local-address A] [vrf V] [interface I]", or null for other forms (SBFD). */
    private static PeerKey parseKey(List<String> w) {
        boolean multihop = false;
        String local = null;
        String iface = null;
        String vrf = null;
        for (int i = 2; i < w.size(); i++) {
            switch (w.get(i)) {
                case "multihop" -> multihop = true;
                case "local-address" -> local = i + 1 < w.size() ? w.get(++i) : null;
                case "interface" -> iface = i + 1 < w.size() ? w.get(++i) : null;
                case "vrf" -> vrf = i + 1 < w.size() ? w.get(++i) : null;
                default -> {
                    return null;
                }
            }
        }
        return new PeerKey(w.get(1), multihop, local, iface, vrf);
    }

    private static BfdPeerSpec parseSettings(PeerKey key, List<RunningConfig.Line> lines) {
        BfdPeerSpec s = BfdPeerSpec.of(key);
        Integer rx = null;
        Integer tx = null;
        Integer mult = null;
        for (RunningConfig.Line l : lines) {
            List<String> w = l.words();
            switch (w.get(0)) {
                case "receive-interval" -> rx = Integer.valueOf(w.get(1));
                case "transmit-interval" -> tx = Integer.valueOf(w.get(1));
                case "detect-multiplier" -> mult = Integer.valueOf(w.get(1));
                case "passive-mode" -> s = s.withPassive(true);
                case "minimum-ttl" -> s = s.withMinimumTtl(Integer.valueOf(w.get(1)));
                case "profile" -> s = s.withProfile(w.get(1));
                case "shutdown" -> s = s.withShutdown(true);
                default -> {
                    // echo-mode, echo intervals, log-session-changes...: not managed here, left as they are
                }
            }
        }
        return s.withTimers(rx, tx, mult);
    }

    @Override
    public List<String> plan(PeerKey key, Optional<BfdPeerSpec> actual, Optional<BfdPeerSpec> desired) {
        if (desired.isEmpty()) {
            return actual.map(a -> List.of("bfd", "no " + a.key().cliLine())).orElse(List.of());
        }
        BfdPeerSpec want = desired.get();
        List<String> lines = new ArrayList<>(List.of("bfd"));
        BfdPeerSpec have = actual.orElse(null);
        if (have != null && !want.multihop() && have.localAddress() != null && want.localAddress() == null) {
            // A single-hop peer's source address can be changed in place but not removed.
            lines.add("no " + have.key().cliLine());
            have = null;
        }
        BfdPeerSpec base = have != null ? have : BfdPeerSpec.of(want.key()); // a new peer starts at the defaults
        List<String> changes = settingChanges(base, want);
        boolean keyChanges = have != null && !Objects.equals(have.localAddress(), want.localAddress());
        if (have != null && changes.isEmpty() && !keyChanges) {
            return List.of();
        }
        lines.add(want.key().cliLine());
        lines.addAll(changes);
        return lines;
    }

    /**
     * The settings lines in a safe order: a peer that is to go down goes down first, one that is
     * to come up comes up last, after its timers are right.
     */
    private static List<String> settingChanges(BfdPeerSpec have, BfdPeerSpec want) {
        List<String> c = new ArrayList<>();
        if (want.shutdown() && !have.shutdown()) {
            c.add("shutdown");
        }
        if (want.effectiveDetectMultiplier() != have.effectiveDetectMultiplier()) {
            c.add("detect-multiplier " + want.effectiveDetectMultiplier());
        }
        if (want.effectiveReceiveIntervalMs() != have.effectiveReceiveIntervalMs()) {
            c.add("receive-interval " + want.effectiveReceiveIntervalMs());
        }
        if (want.effectiveTransmitIntervalMs() != have.effectiveTransmitIntervalMs()) {
            c.add("transmit-interval " + want.effectiveTransmitIntervalMs());
        }
        if (want.passive() != have.passive()) {
            c.add(want.passive() ? "passive-mode" : "no passive-mode");
        }
        if (want.multihop() && want.effectiveMinimumTtl() != have.effectiveMinimumTtl()) {
            c.add("minimum-ttl " + want.effectiveMinimumTtl());
        }
        if (!Objects.equals(want.profile(), have.profile())) {
            c.add(want.profile() != null ? "profile " + want.profile() : "no profile " + have.profile());
        }
        if (!want.shutdown() && have.shutdown()) {
            c.add("no shutdown");
        }
        return c;
    }
}
