package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.event.EventReporter;
import dev.xlatsentinel.translator.event.EventSink;
import dev.xlatsentinel.translator.event.ProbeEvent;
import dev.xlatsentinel.translator.event.Watched;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Run by {@link FirstFaultTest} in a JVM of its own, with its class loading logged to stdout:
 * three instances come UP on a hand-driven clock, then each meets the first fault of its life:
 * by a kernel event (onEvent: down), by a route removal message (looked at through
 * {@link EventReporter#removalLook}, as the route probe does), by datapath timeouts over
 * {@code fall} rounds.
 * It prints {@code MARK <instance> fault} before each fault and {@code MARK <instance> heard
 * DOWN} where the listener hears it (where the agent sends its BFD Downs), so the classes
 * loaded in between stand between the two lines. Not a test by itself.
 */
public final class FirstFaultRun {

    /** A watched route probe: its removal messages are looked at as the real one does. */
    static final class Route implements Probe, Watched {
        final ManualClock clock;
        volatile boolean gone;
        Runnable onRemoval;

        Route(ManualClock clock) {
            this.clock = clock;
        }

        @Override
        public String name() {
            return "egress";
        }

        @Override
        public CompletableFuture<ProbeResult> run(Duration timeout) {
            return CompletableFuture.completedFuture(gone ? ProbeResult.fail("egress", "no IPv4 route 0.0.0.0/0")
                    : ProbeResult.pass("egress", "route 0.0.0.0/0 via 192.0.2.254"));
        }

        @Override
        public void watch(EventSink sink) {
            EventReporter reporter = new EventReporter("egress", EventMode.DOWN, clock,
                    () -> gone ? "no IPv4 route 0.0.0.0/0" : null);
            reporter.attach(sink);
            onRemoval = reporter.removalLook("route removal event", clock, new Executor() {
                @Override
                public void execute(Runnable r) {
                    r.run();
                }
            }, List.of(Duration.ofMillis(1)));
        }

        @Override
        public EventMode eventMode() {
            return EventMode.DOWN;
        }
    }

    private FirstFaultRun() {
    }

    public static void main(String[] args) {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        HealthPolicy policy = new HealthPolicy(1, 2, Duration.ofMillis(5), Duration.ofMillis(2), Duration.ofMillis(4), 0);
        InstanceHealthEventTest.WatchedProbe tayga = new InstanceHealthEventTest.WatchedProbe("tayga", EventMode.DOWN);
        InstanceHealth byEvents = new InstanceHealth("by-events", policy, List.of(tayga), clock);
        FakeIcmp icmp = new FakeIcmp(clock);
        InstanceHealth byRounds = new InstanceHealth("by-rounds", policy, List.of(icmp), clock);
        Route egress = new Route(clock);
        InstanceHealth byRoute = new InstanceHealth("by-route", policy, List.of(egress), clock);
        for (InstanceHealth h : List.of(byEvents, byRounds, byRoute)) {
            h.addListener(change -> System.out.println("MARK " + change.instance() + " heard " + change.to()));
            h.start();
        }
        // Up, and every line a healthy agent runs run many times (the first rise included).
        for (int i = 0; i < 200; i++) {
            clock.advance(Duration.ofMillis(5));
        }
        require(byEvents.state() == HealthState.UP && byRounds.state() == HealthState.UP
                && byRoute.state() == HealthState.UP, "all UP");

        ProbeEvent exit = new ProbeEvent("tayga", true, "TAYGA (pid 7) is not running (seen by a process exit (pidfd))",
                EventMode.DOWN, clock.nanoTime());
        System.out.println("MARK by-events fault");
        tayga.sink.event(exit);
        require(byEvents.state() == HealthState.DOWN, "DOWN by the event");

        egress.gone = true;
        System.out.println("MARK by-route fault");
        egress.onRemoval.run();
        require(byRoute.state() == HealthState.DOWN, "DOWN by the route removal");

        System.out.println("MARK by-rounds fault");
        icmp.next = FakeIcmp.Outcome.TIMES_OUT;
        for (int i = 0; i < 10 && byRounds.state() != HealthState.DOWN; i++) {
            clock.advance(Duration.ofMillis(5));
        }
        require(byRounds.state() == HealthState.DOWN, "DOWN by the rounds");
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("not " + what);
        }
    }
}
