package dev.xlatsentinel.translator.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProcessStateTest {
    @Test
    void readsStateAfterTheLastParenthesisSoOddNamesCannotFoolIt() throws Exception {
        ProcessState s = ProcessState.parse(42, "42 (tay) T (ga) S 1 42 42 0 -1 4194560");
        assertThat(s.comm()).isEqualTo("tay) T (ga");
        assertThat(s.state()).isEqualTo('S');
        assertThat(s.alive()).isTrue();
        assertThat(ProcessState.parse(7, "7 (tayga) T 1 7").describe()).isEqualTo("stopped (SIGSTOP)");
        assertThat(ProcessState.parse(7, "7 (tayga) Z 1 7").alive()).isFalse();
    }

    @Test
    void garbageIsAnError() {
        assertThatThrownBy(() -> ProcessState.parse(7, "7 tayga")).isInstanceOf(IOException.class)
                .hasMessage("cannot parse /proc/7/stat: '7 tayga'");
    }
}
