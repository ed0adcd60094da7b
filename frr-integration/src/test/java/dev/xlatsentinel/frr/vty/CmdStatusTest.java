package dev.xlatsentinel.frr.vty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CmdStatusTest {
    @Test
    void codesAreThoseOfFrr84CommandH() {
        // lib/command.h at frr-8.4.4: CMD_SUCCESS 0 ... CMD_ERR_NO_DAEMON 16.
        assertThat(CmdStatus.of(0)).isEqualTo(CmdStatus.SUCCESS);
        assertThat(CmdStatus.of(1)).isEqualTo(CmdStatus.WARNING);
        assertThat(CmdStatus.of(2)).isEqualTo(CmdStatus.ERR_NO_MATCH);
        assertThat(CmdStatus.of(3)).isEqualTo(CmdStatus.ERR_AMBIGUOUS);
        assertThat(CmdStatus.of(4)).isEqualTo(CmdStatus.ERR_INCOMPLETE);
        assertThat(CmdStatus.of(10)).isEqualTo(CmdStatus.SUCCESS_DAEMON);
        assertThat(CmdStatus.of(13)).isEqualTo(CmdStatus.WARNING_CONFIG_FAILED);
        assertThat(CmdStatus.of(14)).isEqualTo(CmdStatus.NOT_MY_INSTANCE);
        assertThat(CmdStatus.of(16)).isEqualTo(CmdStatus.ERR_NO_DAEMON);
        assertThat(CmdStatus.of(17)).isEqualTo(CmdStatus.UNKNOWN);
        assertThat(CmdStatus.of(255)).isEqualTo(CmdStatus.UNKNOWN);
        for (CmdStatus s : CmdStatus.values()) {
            if (s != CmdStatus.UNKNOWN) {
                assertThat(CmdStatus.of(s.code())).isEqualTo(s);
            }
        }
    }
}
