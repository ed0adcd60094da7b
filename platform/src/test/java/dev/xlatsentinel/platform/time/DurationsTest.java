package dev.xlatsentinel.platform.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"10ms, 10000000", "1.5s, 1500000000", "2m, 120000000000", "1h, 3600000000000", "500us, 500000",
        "10 ms, 10000000", "PT0.01S, 10000000", "' 3s ', 3000000000"})
    void readsANumberAndAUnit(String text, long nanos) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "ten ms", "10 sec", "-5ms", "", "PTx"})
    void refusesAnythingWithoutAKnownUnit(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a duration: \"" + text + "\"");
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "10000000, 10ms", "1500000000, 1.5s", "90000000000, 90s", "120000000000, 2m",
        "7200000000000, 2h", "1234567, 1.235ms", "250000, 250us", "500, 0.5us", "1000000000, 1s",
        "-10000000, -10ms"})
    void writesTheLargestUnitWithAtMostThreeDecimals(long nanos, String text) {
        assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 999, 1_000, 1_234_000, 10_000_000, 1_500_000_000L, 59_999_000_000L, 3_600_000_000_000L})
    void whatItWritesItReadsBack(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @Test
    void tooLongIsRefused() {
        assertThatThrownBy(() -> Durations.parse("99999999999h")).hasMessageStartingWith("duration too long");
    }
}
