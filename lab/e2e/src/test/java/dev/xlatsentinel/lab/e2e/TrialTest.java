package dev.xlatsentinel.lab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.UdpStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrialTest {
    private static final long FAULT = 1_000_000;

    /** A stream of 1 ms datagrams from FAULT - 10 ms; {@code lost} says which ones got no answer. */
    private static Trial trial(java.util.function.IntPredicate lost, int count) {
        List<UdpStream.Packet> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long sent = FAULT - 10_000 + i * 1_000L;
            packets.add(new UdpStream.Packet(i, sent, lost.test(i) ? 0 : sent + 500, "100.64.10.1"));
        }
        return new Trial(Fault.TUN_DOWN, false, FAULT, packets, 0, 0, 0, 0, 0, 0, 0, List.of(), 0);
    }

    @Test
    void theOutageIsTheLongestRunOfLossesAfterTheFaultNotTheFirst() {
        // One datagram lost just after the fault, the next one through, then 20 lost.
        Trial t = trial(i -> i == 13 || i >= 15 && i < 35, 60);
        assertThat(t.lossWindow().lostCount()).isEqualTo(20);
        assertThat(t.lossMs()).isEqualTo(20.0);
    }

    @Test
    void aLossBeforeTheFaultDoesNotCountAndNoLossIsZero() {
        assertThat(trial(i -> i == 2, 60).lossMs()).isZero();
        assertThat(trial(i -> false, 60).lossWindow()).isNull();
    }
}
