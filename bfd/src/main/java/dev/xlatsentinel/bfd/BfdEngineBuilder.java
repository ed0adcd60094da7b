package dev.xlatsentinel.bfd;

import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.time.Clock;
import io.netty.channel.IoEventLoopGroup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/** How a {@link BfdEngine} is made: {@link BfdEngine#builder()}, then {@link #build()}. */
public final class BfdEngineBuilder {
    Clock clock = Clock.SYSTEM;
    RandomGenerator random = new SplittableRandom();
    RandomGenerator identifiers = new SecureRandom();
    IoEventLoopGroup group;
    Executor socketExecutor = Runnable::run;
    Executor listenerExecutor;
    Duration timerResolution = Duration.ofNanos(BfdEngine.DEFAULT_TIMER_RESOLUTION_NANOS);
    int realtimePriority;

    BfdEngineBuilder() {
    }

    /**
     * How finely wake-ups are spread (default 500 µs): timers run up to this late, so
     * one wake-up serves every session due in the slot. Jitter keeps intervals within
     * RFC 5880 §6.8.7 bounds regardless. Zero wakes for each deadline exactly.
     */
    public BfdEngineBuilder timerResolution(Duration resolution) {
        if (resolution.isNegative() || resolution.compareTo(Duration.ofMillis(5)) > 0) {
            throw new FieldException("timerResolution", "must be 0 to 5 ms, got " + resolution);
        }
        this.timerResolution = resolution;
        return this;
    }

    /**
     * Runs the event-loop thread (timers and all socket I/O) under SCHED_FIFO at
     * {@code priority} (1-99; 0, the default, leaves it alone), so that other work on a
     * busy machine does not delay packets. Needs CAP_SYS_NICE; without it the engine logs
     * a warning and runs at normal priority. With a shared event-loop group, the loop
     * carrying this engine gets it. No CPU guard: the loop sleeps between its wake-up slots
     * and uses little CPU (and the kernel caps real-time tasks at 95 % of each second).
     */
    public BfdEngineBuilder realtimePriority(int priority) {
        if (priority < 0 || priority > 99) {
            throw new FieldException("realtimePriority", "must be 0 (off) or 1-99, got " + priority);
        }
        this.realtimePriority = priority;
        return this;
    }

    /**
     * The clock: monotonic time for timers, wall time for event and snapshot times
     * (default {@link Clock#SYSTEM}).
     */
    public BfdEngineBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Source of the transmit jitter (RFC 5880 §6.8.7); fast, need not be unpredictable. */
    public BfdEngineBuilder random(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
    }

    /**
     * Source of local discriminators (§6.8.1) and initial authentication sequence numbers
     * (§6.7.3); default a {@link SecureRandom}: an off-path attacker who could
     * predict them could forge packets a session accepts.
     */
    public BfdEngineBuilder identifierRandom(RandomGenerator identifiers) {
        this.identifiers = Objects.requireNonNull(identifiers, "identifierRandom");
        return this;
    }

    /**
     * An epoll event loop group to share (one of its loops carries this engine); by
     * default the engine makes a single-thread group and stops it at close.
     */
    public BfdEngineBuilder eventLoopGroup(IoEventLoopGroup group) {
        this.group = group;
        return this;
    }

    /**
     * Where sockets are created: a thread inside the network namespace the engine serves
     * (one that entered it with setns(2)). Default: the calling thread's namespace.
     */
    public BfdEngineBuilder socketExecutor(Executor executor) {
        this.socketExecutor = Objects.requireNonNull(executor, "socketExecutor");
        return this;
    }

    /** Where listeners run (default: one thread of the engine's own). */
    public BfdEngineBuilder listenerExecutor(Executor executor) {
        this.listenerExecutor = executor;
        return this;
    }

    public BfdEngine build() {
        return new BfdEngine(this);
    }
}
