package dev.xlatsentinel.systemd.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchdogSettingsTest {
    @Test
    void intervalComesFromWatchdogUsec() {
        assertThat(WatchdogSettings.interval(Map.of("WATCHDOG_USEC", "10000000"), 7))
                .contains(Duration.ofSeconds(10));
    }

    @Test
    void watchdogPidLimitsItToThatProcess() {
        Map<String, String> env = Map.of("WATCHDOG_USEC", "2500000", "WATCHDOG_PID", "7");

        assertThat(WatchdogSettings.interval(env, 7)).contains(Duration.ofMillis(2500));
        assertThat(WatchdogSettings.interval(env, 8)).as("inherited by a child").isEmpty();
    }

    @Test
    void offWithoutWatchdogUsec() {
        assertThat(WatchdogSettings.interval(Map.of(), 7)).isEmpty();
        assertThat(WatchdogSettings.interval(Map.of("WATCHDOG_PID", "7"), 7)).isEmpty();
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> WatchdogSettings.interval(Map.of("WATCHDOG_USEC", "10s"), 7))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("WATCHDOG_USEC=10s: not an integer");
        assertThatThrownBy(() -> WatchdogSettings.interval(Map.of("WATCHDOG_USEC", "0"), 7))
                .hasMessage("WATCHDOG_USEC=0: must be positive");
        assertThatThrownBy(() -> WatchdogSettings.interval(Map.of("WATCHDOG_USEC", "1", "WATCHDOG_PID", "-3"), 7))
                .hasMessage("WATCHDOG_PID=-3: must be positive");
    }
}
