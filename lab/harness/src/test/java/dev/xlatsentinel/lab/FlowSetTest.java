package dev.xlatsentinel.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowSetTest {

    /**
     * The answer the echo writes (its word, then the IPv4 source) sums to the same value for
     * every flow, datagram and source, so its UDP checksum is never the zero TAYGA mangles.
     */
    @Test
    void everyAnswerSumsToTheSameNonZeroValueWhateverTheFlowSequenceAndSource() throws Exception {
        Random random = new Random(42);
        byte[] client = InetAddress.getByName("2001:db8:c::2").getAddress();
        for (int i = 0; i < 20_000; i++) {
            byte[] target = InetAddress.getByName(FlowSet.nat64("64:ff9b::/96",
                    random.nextInt(224) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256)))
                    .getAddress();
            int port = 1024 + random.nextInt(64_000);
            int flow = random.nextInt(4096);
            int seq = random.nextInt(100_000);
            byte[] via = new byte[4];
            random.nextBytes(via);
            ByteBuffer answer = ByteBuffer.allocate(16).putInt(flow).putInt(seq).putShort((short) FlowSet.echoWord(via))
                    .putShort((short) FlowSet.clientWord(target, client, port, flow, seq)).put(via);
            int sum = FlowSet.sum(target, client, FlowSet.PORT, port, answer.array());
            // One's complement has two zeros: 0x5a5a + 0xffff folds back to 0x5a5a.
            assertThat(sum).as("flow %d seq %d", flow, seq).isEqualTo(FlowSet.ANSWER_SUM);
            assertThat(~sum & 0xffff).isNotZero();
        }
    }

    @Test
    void theNat64AddressEmbedsTheIpv4AddressInTheLast32Bits() throws Exception {
        assertThat(InetAddress.getByName(FlowSet.nat64("64:ff9b::/96", "100.64.100.10")))
                .isEqualTo(InetAddress.getByName("64:ff9b::6440:640a"));
    }

    @Test
    void aFlowSetIsBoundedInFlowsRoundsAndTime() {
        assertThatThrownBy(() -> new FlowSet.Spec(List.of("64:ff9b::1"), 5000, Duration.ofMillis(10), 10,
                Duration.ZERO)).hasMessageContaining("flows");
        assertThatThrownBy(() -> new FlowSet.Spec(List.of("64:ff9b::1"), 1, Duration.ofSeconds(1), 1000,
                Duration.ZERO)).hasMessageContaining("10 minutes");
        assertThat(new FlowSet.Spec(List.of("64:ff9b::1", "64:ff9b::2"), 3, Duration.ofMillis(20), 50, Duration.ZERO)
                .flows()).isEqualTo(6);
    }
}
