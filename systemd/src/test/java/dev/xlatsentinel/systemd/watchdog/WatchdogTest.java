package dev.xlatsentinel.systemd.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.lab.LogCapture;
import dev.xlatsentinel.platform.time.Clock;
import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.systemd.notify.NotifyReceiver;
import dev.xlatsentinel.systemd.notify.SdNotify;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog's decisions on a hand-driven clock; pings go to a real socket the test binds. */
class WatchdogTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration NONE = Duration.ofMillis(50);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private NotifyReceiver systemd;
    private Watchdog watchdog;
    private LogCapture log;

    @BeforeEach
    void setUp() throws Exception {
        systemd = NotifyReceiver.atPath(dir);
        watchdog = new Watchdog(SdNotify.to(systemd.address()), INTERVAL, clock);
        log = new LogCapture(Watchdog.class);
    }

    @AfterEach
    void tearDown() throws Exception {
        watchdog.close();
        log.close();
        systemd.close();
    }

    @Test
    void pingsWhileEveryCheckPasses() throws Exception {
        Heartbeat loop = watchdog.heartbeat("bfd-event-loop", Duration.ofSeconds(2));
        watchdog.register("prober", () -> Liveness.ALIVE);

        clock.advance(Duration.ofSeconds(1));
        loop.beat();

        assertThat(watchdog.tick()).isTrue();
        assertThat(systemd.receive(WAIT)).isEqualTo("WATCHDOG=1");
        assertThat(watchdog.stalls()).isEmpty();
    }

    @Test
    void aStalledLoopStopsThePingsAndTheWarningSaysWhich() throws Exception {
        watchdog.heartbeat("bfd-event-loop", Duration.ofSeconds(2));
        watchdog.heartbeat("prober", Duration.ofSeconds(30));

        clock.advance(Duration.ofMillis(2001));

        assertThat(watchdog.tick()).isFalse();
        assertThat(systemd.receive(NONE)).isNull();
        assertThat(watchdog.stalls()).containsExactly(
                new Watchdog.Stall("bfd-event-loop", "no heartbeat for 2.001s, limit 2s"));
        assertThat(log.lines()).containsExactly("WARN watchdog: not pinging systemd: bfd-event-loop: no heartbeat "
                + "for 2.001s, limit 2s; systemd aborts the service after 10s without a ping");
    }

    @Test
    void theWarningIsLoggedOnceWhileTheSameChecksStayStalled() {
        watchdog.heartbeat("bfd-event-loop", Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(3));

        watchdog.tick();
        clock.advance(Duration.ofSeconds(5));
        watchdog.tick();
        watchdog.tick();

        assertThat(log.lines()).hasSize(1);
    }

    @Test
    void aLoopThatRecoversResumesThePingsAndSaysSo() throws Exception {
        Heartbeat loop = watchdog.heartbeat("bfd-event-loop", Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(3));
        assertThat(watchdog.tick()).isFalse();

        loop.beat();

        assertThat(watchdog.tick()).isTrue();
        assertThat(systemd.receive(WAIT)).isEqualTo("WATCHDOG=1");
        assertThat(log.lines()).last().isEqualTo("INFO watchdog: all liveness checks pass again; pinging systemd resumed");
    }

    @Test
    void aNewlyStalledCheckIsReportedAgain() {
        Heartbeat loop = watchdog.heartbeat("bfd-event-loop", Duration.ofSeconds(2));
        watchdog.heartbeat("prober", Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(3));
        watchdog.tick();

        clock.advance(Duration.ofSeconds(3));
        loop.beat();
        watchdog.tick();

        assertThat(log.lines()).hasSize(2);
        assertThat(log.lines().get(1)).contains("prober: no heartbeat for 6s, limit 5s")
                .doesNotContain("bfd-event-loop");
    }

    @Test
    void aCheckThatThrowsOrReturnsNullCountsAsStalled() {
        watchdog.register("prober", () -> {
            throw new IllegalStateException("prober state lost");
        });
        watchdog.register("rib", () -> null);

        assertThat(watchdog.tick()).isFalse();
        assertThat(watchdog.stalls()).extracting(Watchdog.Stall::toString).containsExactly(
                "prober: check threw java.lang.IllegalStateException: prober state lost",
                "rib: check returned null");
    }

    @Test
    void anUnregisteredCheckNoLongerHoldsThePings() throws Exception {
        watchdog.register("prober", () -> Liveness.stalled("stopped on purpose"));
        assertThat(watchdog.tick()).isFalse();

        watchdog.unregister("prober");

        assertThat(watchdog.tick()).isTrue();
        assertThat(systemd.receive(WAIT)).isEqualTo("WATCHDOG=1");
    }

    @Test
    void aHeartbeatThatNeverBeatsStallsAfterItsLimitFromCreation() {
        watchdog.heartbeat("never-started", Duration.ofSeconds(2));

        clock.advance(Duration.ofSeconds(2));
        assertThat(watchdog.stalls()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(watchdog.stalls()).hasSize(1);
    }

    @Test
    void namesAreUniqueAndNotBlank() {
        watchdog.register("prober", () -> Liveness.ALIVE);

        assertThatThrownBy(() -> watchdog.register("prober", () -> Liveness.ALIVE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prober");
        assertThatThrownBy(() -> watchdog.register(" ", () -> Liveness.ALIVE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Liveness.stalled("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pingsEveryHalfInterval() {
        assertThat(watchdog.pingPeriod()).contains(Duration.ofSeconds(5));
    }

    @Test
    void withoutWatchdogUsecChecksRunButNothingIsSent() throws Exception {
        Watchdog off = Watchdog.fromEnvironment(SdNotify.to(systemd.address()), Map.of(), 1, clock);
        off.register("prober", () -> Liveness.ALIVE);

        assertThat(off.enabled()).isFalse();
        assertThat(off.tick()).isFalse();
        off.start();
        assertThat(systemd.receive(NONE)).isNull();
    }

    @Test
    void watchdogForAnotherPidIsOff() {
        Watchdog other = Watchdog.fromEnvironment(SdNotify.to(systemd.address()),
                Map.of("WATCHDOG_USEC", "1000000", "WATCHDOG_PID", "2"), 1, clock);

        assertThat(other.enabled()).isFalse();
    }

    @Test
    void startedItPingsOnItsOwnThreadUntilALoopStalls() throws Exception {
        Watchdog fast = Watchdog.fromEnvironment(SdNotify.to(systemd.address()),
                Map.of("WATCHDOG_USEC", "200000"), 1, Clock.SYSTEM);
        AtomicBoolean alive = new AtomicBoolean(true);
        fast.register("loop", () -> alive.get() ? Liveness.ALIVE : Liveness.stalled("frozen by the test"));
        try (fast) {
            fast.start();
            for (int i = 0; i < 3; i++) {
                assertThat(systemd.receive(WAIT)).isEqualTo("WATCHDOG=1");
            }
            alive.set(false);
            // Pings sent before the freeze may still be queued (this thread can lag behind the
            // 100 ms rounds): take them until the socket has been quiet for 250 ms, within 2 s.
            int queued = 0;
            long drainUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (systemd.receive(Duration.ofMillis(250)) != null) {
                queued++;
                assertThat(System.nanoTime()).as("still pinging after the freeze").isLessThan(drainUntil);
            }
            assertThat(systemd.receive(Duration.ofMillis(500))).as("after %d queued pings", queued).isNull();
            assertThatThrownBy(fast::start).isInstanceOf(IllegalStateException.class);
        }
    }
}
