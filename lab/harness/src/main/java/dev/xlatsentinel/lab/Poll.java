package dev.xlatsentinel.lab;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline: the tests' replacement for sleeps. The condition is
 * checked at once and then every {@code every} until it holds or the deadline passes.
 */
public final class Poll {
    public static final Duration DEFAULT_EVERY = Duration.ofMillis(20);

    private Poll() {
    }

    /** Waits until {@code condition} holds; throws naming {@code what} and the last state if it never does. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, DEFAULT_EVERY, what, condition, () -> "");
    }

    /** Waits until {@code condition} holds, checking every {@code every}. */
    public static void until(Duration timeout, Duration every, String what, BooleanSupplier condition) {
        until(timeout, every, what, condition, () -> "");
    }

    /**
     * Waits until {@code condition} holds; on timeout the exception carries {@code state}, a
     * description of what was last seen (for example a daemon's status output).
     */
    public static void until(Duration timeout, Duration every, String what, BooleanSupplier condition,
            Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                String seen = state.get();
                throw new LabException("timed out after " + timeout + " waiting for " + what
                        + (seen.isBlank() ? "" : "; last seen:\n" + seen));
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Returns the first non-null value of {@code probe} within the deadline, or throws. */
    public static <T> T value(Duration timeout, String what, Supplier<T> probe) {
        Object[] box = new Object[1];
        until(timeout, DEFAULT_EVERY, what, () -> (box[0] = probe.get()) != null, () -> "");
        @SuppressWarnings("unchecked")
        T t = (T) box[0];
        return t;
    }
}
