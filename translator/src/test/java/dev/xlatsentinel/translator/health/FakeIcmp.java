package dev.xlatsentinel.translator.health;

import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The icmp datapath probe on a hand-driven clock, its outcome set by the test: it answers, or
 * its two targets time out after 4.4 ms with the CPU denied for none of the wait (counted) or
 * for 4 ms of it (starved), or it hangs until cut; its last answer is its last ANSWERS run. What it signals is made
 * when it is built, so a test that counts the classes a fault makes counts the health's only.
 */
final class FakeIcmp implements Probe {
    enum Outcome { ANSWERS, TIMES_OUT, TIMES_OUT_STARVED, HANGS }

    private static final List<String> TARGETS = List.of("192.0.2.1", "192.0.2.2");
    private final ManualClock clock;
    private final Signal.Load idle = new Signal.Load(4_400_000, 0, 0, 0, 0);
    private final Signal.Load starved = new Signal.Load(4_400_000, 4_000_000, 0, 0, 0);
    volatile Outcome next = Outcome.ANSWERS;
    volatile long lastReply = Long.MIN_VALUE;

    FakeIcmp(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "icmp";
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        ProbeResult r = switch (next) {
            case ANSWERS -> {
                lastReply = clock.nanoTime();
                yield ProbeResult.pass("icmp", "2/2 targets answered")
                        .withSignal(new Signal.Datapath(false, List.of(), lastReply));
            }
            case TIMES_OUT -> timedOut(idle);
            case TIMES_OUT_STARVED -> timedOut(starved);
            case HANGS -> null;
        };
        if (r == null) {
            return new CompletableFuture<>(); // never completes: the runner cuts it
        }
        return CompletableFuture.completedFuture(r);
    }

    @Override
    public long lastAnswerNanos() {
        return lastReply;
    }

    private ProbeResult timedOut(Signal.Load load) {
        return ProbeResult.fail("icmp", "2/2 targets timed out after 4ms")
                .withSignal(new Signal.Datapath(true, TARGETS, lastReply, load));
    }
}
