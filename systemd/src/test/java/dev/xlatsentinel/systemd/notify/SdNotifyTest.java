package dev.xlatsentinel.systemd.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SdNotify against real AF_UNIX datagram sockets bound by the test, as systemd binds its own. */
class SdNotifyTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void readyReachesAPathSocket() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.atPath(dir)) {
            SdNotify notify = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.address()));

            assertThat(notify.enabled()).isTrue();
            assertThat(notify.ready()).isTrue();
            assertThat(systemd.receive(WAIT)).isEqualTo("READY=1");
        }
    }

    @Test
    void readyReachesAnAbstractSocketNamedWithAt() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.abstractName()) {
            SdNotify notify = SdNotify.to(systemd.address());

            assertThat(notify.address().orElseThrow().isAbstract()).isTrue();
            assertThat(notify.ready("serving")).isTrue();
            assertThat(systemd.receive(WAIT)).isEqualTo("READY=1\nSTATUS=serving");
        }
    }

    @Test
    void abstractNameIsSentWithItsExactLengthNoTrailingNul() throws Exception {
        // systemd binds "@name" with the exact length; an address padded with NULs is another
        // socket. The kernel lists bound abstract names with NUL shown as '@'.
        try (NotifyReceiver systemd = NotifyReceiver.abstractName()) {
            assertThat(Files.readAllLines(Path.of("/proc/net/unix")))
                    .anyMatch(line -> line.endsWith(" " + systemd.address()));
            assertThat(SdNotify.to(systemd.address()).watchdog()).isTrue();
            assertThat(systemd.receive(WAIT)).isEqualTo("WATCHDOG=1");
        }
    }

    @Test
    void eachNotificationIsOneDatagramInProtocolForm() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.atPath(dir)) {
            SdNotify notify = SdNotify.to(systemd.address());

            notify.status("3 instances healthy");
            notify.watchdog();
            notify.stopping();
            notify.mainPid(4242);

            assertThat(systemd.receive(WAIT)).isEqualTo("STATUS=3 instances healthy");
            assertThat(systemd.receive(WAIT)).isEqualTo("WATCHDOG=1");
            assertThat(systemd.receive(WAIT)).isEqualTo("STOPPING=1");
            assertThat(systemd.receive(WAIT)).isEqualTo("MAINPID=4242");
            assertThat(systemd.receive(Duration.ofMillis(50))).isNull();
        }
    }

    @Test
    void reloadingCarriesTheMonotonicClockInMicroseconds() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.atPath(dir)) {
            long before = System.nanoTime() / 1_000;
            SdNotify.to(systemd.address()).reloading();
            long after = System.nanoTime() / 1_000;

            String[] lines = systemd.receive(WAIT).split("\n");
            assertThat(lines[0]).isEqualTo("RELOADING=1");
            assertThat(lines[1]).startsWith("MONOTONIC_USEC=");
            assertThat(Long.parseLong(lines[1].substring("MONOTONIC_USEC=".length()))).isBetween(before, after);
        }
    }

    @Test
    void monotonicMicrosFollowsClockMonotonicWhichStartsAtBoot() throws Exception {
        // CLOCK_MONOTONIC counts from boot (minus suspend); /proc/uptime counts from boot too.
        double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        double monotonic = SdNotify.monotonicMicros() / 1e6;
        assertThat(monotonic).isBetween(uptime - 86_400 * 365, uptime + 5);
        assertThat(monotonic).isGreaterThan(0);
    }

    @Test
    void statusIsOneLineAndCutWhenLong() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.atPath(dir)) {
            SdNotify notify = SdNotify.to(systemd.address());

            notify.status("probe failed:\njool said\r\n  no such instance");
            notify.status("x".repeat(5000));

            assertThat(systemd.receive(WAIT)).isEqualTo("STATUS=probe failed: jool said no such instance");
            String cut = systemd.receive(WAIT);
            assertThat(cut).startsWith("STATUS=xxx").endsWith("…");
            assertThat(cut.length()).isEqualTo("STATUS=".length() + SdNotify.MAX_STATUS_CHARS);
        }
    }

    @Test
    void withoutNotifySocketEverythingIsANoOp() {
        SdNotify notify = SdNotify.fromEnvironment(Map.of());

        assertThat(notify.enabled()).isFalse();
        assertThat(notify.address()).isEmpty();
        assertThat(notify.ready()).isFalse();
        assertThat(notify.watchdog()).isFalse();
        assertThat(SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).enabled()).isFalse();
    }

    @Test
    void aMissingSocketIsReportedNotThrown() {
        SdNotify notify = SdNotify.to(dir.resolve("nobody-listens").toString());

        assertThat(notify.ready()).isFalse();
    }

    @Test
    void unusableNotifySocketValuesAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "run/notify")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NOTIFY_SOCKET=run/notify")
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> SdNotify.to("vsock:2:1234")).hasMessageContaining("NOTIFY_SOCKET=vsock:2:1234");
        assertThatThrownBy(() -> SdNotify.to("/" + "a".repeat(107))).hasMessageContaining("longer than 107");
        assertThatThrownBy(() -> SdNotify.to("@")).hasMessageContaining("names no socket");
        assertThatThrownBy(() -> SdNotify.to("/run/nötify")).hasMessageContaining("ASCII");
    }

    @Test
    void mainPidMustBePositive() {
        assertThatThrownBy(() -> SdNotify.disabled().mainPid(0)).hasMessageContaining("MAINPID");
    }
}
