package dev.xlatsentinel.bfd;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.platform.config.FieldException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The engine builder refuses bad settings, naming them. */
class BfdEngineBuilderTest {
    @Test
    void realtimePriorityOutsideOneTo99IsRefused() {
        assertThatThrownBy(() -> BfdEngine.builder().realtimePriority(100)).isInstanceOf(FieldException.class)
                .extracting(e -> ((FieldException) e).field()).isEqualTo("realtimePriority");
        assertThatThrownBy(() -> BfdEngine.builder().realtimePriority(-1)).isInstanceOf(FieldException.class);
    }

    @Test
    void timerResolutionAbove5msIsRefused() {
        assertThatThrownBy(() -> BfdEngine.builder().timerResolution(Duration.ofMillis(6)))
                .isInstanceOf(FieldException.class)
                .extracting(e -> ((FieldException) e).field()).isEqualTo("timerResolution");
    }
}
