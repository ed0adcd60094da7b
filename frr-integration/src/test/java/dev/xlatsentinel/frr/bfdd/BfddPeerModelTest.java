package dev.xlatsentinel.frr.bfdd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BfddPeerModelTest {
    private final BfddPeerModel model = new BfddPeerModel();
    private static final PeerKey ROUTER = PeerKey.singleHop("2001:db8:ff::1", "2001:db8:ff::a", "eth0");

    @Test
    void recordedRunningConfigParsesIntoSpecs() {
        List<BfdPeerSpec> peers = BfddPeerModel.parse(BfdJsonTest.fixture("running-config-bfdd-8.4.4.txt"));
        assertThat(peers).containsExactly(
                BfdPeerSpec.of(ROUTER).withTimers(50, 50, null),
                BfdPeerSpec.of(PeerKey.singleHop("2001:db8:ff::5", null, "eth0")).withShutdown(true),
                BfdPeerSpec.of(PeerKey.multihop("2001:db8:ff::7", "2001:db8:ff::a")).withMinimumTtl(250));
    }

    @Test
    void newPeerGetsItsLineAndOnlyNonDefaultSettings() {
        BfdPeerSpec want = BfdPeerSpec.of(ROUTER).withTimers(50, 300, null).withShutdown(true);
        assertThat(model.plan(ROUTER, Optional.empty(), Optional.of(want))).containsExactly("bfd",
                "peer 2001:db8:ff::1 local-address 2001:db8:ff::a interface eth0", "shutdown", "receive-interval 50");
    }

    @Test
    void sameEffectPlansNothingEvenWithExplicitDefaults() {
        BfdPeerSpec have = BfdPeerSpec.of(ROUTER).withTimers(50, null, null);
        BfdPeerSpec want = BfdPeerSpec.of(ROUTER).withTimers(50, 300, 3);
        assertThat(model.plan(ROUTER, Optional.of(have), Optional.of(want))).isEmpty();
    }

    @Test
    void changesComeDownFirstAndUpLast() {
        BfdPeerSpec have = BfdPeerSpec.of(ROUTER).withTimers(50, 50, 5).withShutdown(true).withProfile("slow");
        BfdPeerSpec want = BfdPeerSpec.of(ROUTER).withTimers(50, null, null);
        assertThat(model.plan(ROUTER, Optional.of(have), Optional.of(want))).containsExactly("bfd",
                "peer 2001:db8:ff::1 local-address 2001:db8:ff::a interface eth0", "detect-multiplier 3",
                "transmit-interval 300", "no profile slow", "no shutdown");
        assertThat(model.plan(ROUTER, Optional.of(want), Optional.of(want.withShutdown(true).withPassive(true))))
                .containsExactly("bfd", "peer 2001:db8:ff::1 local-address 2001:db8:ff::a interface eth0", "shutdown",
                        "passive-mode");
    }

    @Test
    void removalUsesTheLineBfddHas() {
        BfdPeerSpec have = BfdPeerSpec.of(ROUTER);
        assertThat(model.plan(ROUTER, Optional.of(have), Optional.empty())).containsExactly("bfd",
                "no peer 2001:db8:ff::1 local-address 2001:db8:ff::a interface eth0");
        assertThat(model.plan(ROUTER, Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void droppingASingleHopLocalAddressRecreatesThePeer() {
        PeerKey noLocal = PeerKey.singleHop("2001:db8:ff::1", null, "eth0");
        assertThat(model.plan(noLocal, Optional.of(BfdPeerSpec.of(ROUTER)), Optional.of(BfdPeerSpec.of(noLocal))))
                .containsExactly("bfd", "no peer 2001:db8:ff::1 local-address 2001:db8:ff::a interface eth0",
                        "peer 2001:db8:ff::1 interface eth0");
        PeerKey otherLocal = PeerKey.singleHop("2001:db8:ff::1", "2001:db8:ff::b", "eth0");
        assertThat(model.plan(otherLocal, Optional.of(BfdPeerSpec.of(ROUTER)), Optional.of(BfdPeerSpec.of(otherLocal))))
                .containsExactly("bfd", "peer 2001:db8:ff::1 local-address 2001:db8:ff::b interface eth0");
    }

    @Test
    void multihopMinimumTtlIsManaged() {
        PeerKey mh = PeerKey.multihop("2001:db8:ff::7", "2001:db8:ff::a");
        assertThat(model.plan(mh, Optional.of(BfdPeerSpec.of(mh).withMinimumTtl(250)), Optional.of(BfdPeerSpec.of(mh))))
                .containsExactly("bfd", "peer 2001:db8:ff::7 multihop local-address 2001:db8:ff::a", "minimum-ttl 254");
    }
}
