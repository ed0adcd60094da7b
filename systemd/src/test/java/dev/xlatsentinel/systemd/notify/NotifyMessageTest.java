package dev.xlatsentinel.systemd.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NotifyMessageTest {
    @Test
    void assignmentsAreJoinedByNewlinesWithoutATrailingOne() {
        NotifyMessage m = NotifyMessage.of("READY", "1").and("STATUS", "up 3/3");

        assertThat(new String(m.encode(), StandardCharsets.UTF_8)).isEqualTo("READY=1\nSTATUS=up 3/3");
        assertThat(m.assignments()).containsExactly("READY=1", "STATUS=up 3/3");
    }

    @Test
    void aValueWithANewlineWouldInjectAnAssignmentAndIsRefused() {
        assertThatThrownBy(() -> NotifyMessage.of("STATUS", "ok\nREADY=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STATUS=")
                .hasMessageContaining("ok\\nREADY=1");
    }

    @Test
    void namesAreUpperCaseIdentifiers() {
        assertThatThrownBy(() -> NotifyMessage.of("ready", "1")).hasMessageContaining("ready");
        assertThatThrownBy(() -> NotifyMessage.of("A=B", "1")).hasMessageContaining("A=B");
    }

    @Test
    void aMessageSystemdWouldTruncateIsRefused() {
        assertThatThrownBy(() -> NotifyMessage.of("STATUS", "é".repeat(2100)))
                .hasMessageContaining("4207 bytes").hasMessageContaining("4096");
        assertThat(NotifyMessage.of("STATUS", "x".repeat(4089)).encode()).hasSize(4096);
    }
}
