package dev.xlatsentinel.translator.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A removal the kernel announced before doing it (Linux sends RTM_DELROUTE for an IPv4 route
 * before it takes the route out of the table): the look is repeated while it still finds all
 * fine, on the manual clock.
 */
class EventReporterTest {
    private static final List<Duration> AGAIN = List.of(Duration.ofMillis(1), Duration.ofMillis(2));

    private final ManualClock clock = new ManualClock(0);
    private final List<ProbeEvent> events = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();

    /** A reporter whose looks answer {@code answers} in turn (null: fine). */
    private EventReporter reporter(String... answers) {
        EventReporter r = new EventReporter("egress", EventMode.DOWN, clock, () -> {
            threads.add("looked");
            return answers[Math.min(threads.size(), answers.length) - 1];
        });
        r.attach(events::add);
        return r;
    }

    @Test
    void aLookThatStillFindsTheRouteLooksAgainAndReportsTheRemovalItThenSees() {
        EventReporter r = reporter(null, "no IPv4 route 0.0.0.0/0 in gwa");
        r.removed("route removal event", clock, Runnable::run, AGAIN);
        assertThat(events).as("the first look was early: nothing reported yet").isEmpty();
        clock.advance(Duration.ofNanos(999_999));
        assertThat(events).isEmpty();
        clock.advance(Duration.ofNanos(1));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.fault()).isTrue();
            assertThat(e.reason()).isEqualTo("no IPv4 route 0.0.0.0/0 in gwa (seen by a route removal event, looked 2"
                    + " times)");
            assertThat(e.atNanos()).isEqualTo(1_000_000);
        });
        clock.advance(Duration.ofSeconds(1));
        assertThat(threads).as("no look after the one that saw it").hasSize(2);
    }

    @Test
    void aRemovalSeenAtTheFirstLookIsReportedAtOnce() {
        EventReporter r = reporter("no IPv4 route 0.0.0.0/0 in gwa");
        r.removed("route removal event", clock, Runnable::run, AGAIN);
        assertThat(events).singleElement().satisfies(e -> assertThat(e.reason())
                .isEqualTo("no IPv4 route 0.0.0.0/0 in gwa (seen by a route removal event)"));
        assertThat(threads).hasSize(1);
    }

    @Test
    void aRouteThatStaysIsReportedFineAfterTheLastLook() {
        EventReporter r = reporter((String) null);
        r.removed("route removal event", clock, Runnable::run, AGAIN);
        clock.advance(Duration.ofMillis(1));
        assertThat(events).isEmpty();
        clock.advance(Duration.ofMillis(2));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.fault()).as("another route to the destination, say").isFalse();
            assertThat(e.reason()).isEqualTo("fine after a route removal event, looked 3 times");
        });
        assertThat(threads).hasSize(3);
    }

    @Test
    void everyLookRunsThroughTheGivenExecutor() {
        EventReporter r = reporter(null, "gone");
        List<Runnable> namespaceThread = new ArrayList<>();
        r.removed("route removal event", clock, namespaceThread::add, AGAIN);
        assertThat(threads).as("queued for the namespace's thread, not run here").isEmpty();
        namespaceThread.remove(0).run();
        clock.advance(Duration.ofMillis(1));
        assertThat(events).isEmpty();
        namespaceThread.remove(0).run();
        assertThat(events).singleElement().satisfies(e -> assertThat(e.fault()).isTrue());
    }
}
