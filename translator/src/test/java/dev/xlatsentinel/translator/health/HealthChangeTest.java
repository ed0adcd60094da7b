package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthChangeTest {
    @Test
    void theReasonIsWrittenWhenFirstReadAndOnlyOnce() {
        AtomicInteger written = new AtomicInteger();
        HealthChange c = new HealthChange("tayga", HealthState.UP, HealthState.DOWN, Instant.EPOCH, () -> {
            written.incrementAndGet();
            return "icmp: 2/2 targets timed out";
        }, List.of());
        assertThat(written).as("not while the change is acted on").hasValue(0);
        assertThat(c.reason()).isEqualTo("icmp: 2/2 targets timed out");
        assertThat(c).hasToString("tayga UP -> DOWN at 1970-01-01T00:00:00Z: icmp: 2/2 targets timed out");
        assertThat(written).hasValue(1);
    }
}
