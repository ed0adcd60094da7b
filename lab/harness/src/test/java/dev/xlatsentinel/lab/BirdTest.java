package dev.xlatsentinel.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BirdTest {
    private static Bird.BfdSessionRow row(String since) {
        return new Bird.BfdSessionRow("2001:db8:ff::a", "lan0", "Up", since, "0.010", "0.030");
    }

    @Test
    void parsesShowBfdSessions() {
        String out = """
                BIRD 2.0.12 ready.
                bfd1:
                IP address                Interface  State      Since         Interval  Timeout
                2001:db8:ff::a            lan0       Up         18:02:06.424    0.010    0.030
                """;
        assertThat(Bird.parseBfdSessions(out)).containsExactly(row("18:02:06.424"));
    }

    @Test
    void oneStateChangeMayPrintAMillisecondApartButAFlapMayNot() {
        Bird.BfdSessionRow first = row("18:02:06.424");
        assertThat(row("18:02:06.423").sameChangeAs(first)).isTrue();
        assertThat(row("18:02:06.429").sameChangeAs(first)).isTrue();
        assertThat(row("18:02:06.430").sameChangeAs(first)).isFalse();
        assertThat(row("18:02:07.424").sameChangeAs(first)).isFalse();
        assertThat(row("00:00:00.001").sameChangeAs(row("23:59:59.999"))).isTrue();
        assertThat(row("2026-11-26").sameChangeAs(row("2026-11-26"))).isTrue();
        assertThat(row("2026-11-27").sameChangeAs(row("2026-11-26"))).isFalse();
    }
}
