package dev.xlatsentinel.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FieldErrorTest {
    @Test
    void isShownWithItsPlaceWhenKnown() {
        FieldError e = FieldError.of("services.lower.bfd[0].minTx", "1h is outside 1ms to 1m");
        assertThat(e).hasToString("services.lower.bfd[0].minTx: 1h is outside 1ms to 1m");
        assertThat(e.at(12, 7)).hasToString("line 12, column 7: services.lower.bfd[0].minTx: 1h is outside 1ms to 1m");
        assertThat(FieldError.of("", "the file is empty")).hasToString("the file is empty");
    }

    @Test
    void nestsUnderAParentPath() {
        assertThat(FieldError.of("detectMult", "x").under("services.a.bfd[0]").path())
                .isEqualTo("services.a.bfd[0].detectMult");
        assertThat(FieldError.of("[2]", "x").under("targets").path()).isEqualTo("targets[2]");
        assertThat(FieldError.of("", "x").under("services.a").path()).isEqualTo("services.a");
    }

    @Test
    void anExceptionCarriesTheFieldAndTheReasonApart() {
        FieldException e = new FieldException("localAddress", "not of the same family as peer 192.0.2.1");
        assertThat(e).hasMessage("localAddress: not of the same family as peer 192.0.2.1");
        assertThat(e.error()).isEqualTo(FieldError.of("localAddress", "not of the same family as peer 192.0.2.1"));
    }
}
