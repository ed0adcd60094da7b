package dev.xlatsentinel.bfd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.BfdSession;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.lab.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Hold-downs between two engines ({@link TwoEngines}): Path Down on the wire, the held peer
 * never Up, the Down sent from the caller's thread (issue 16), and no action overtaken.
 */
class HoldDownIT extends TwoEngines {
    @Override
    String labName() {
        return "bfd-hold";
    }

    @Test
    void holdDownBetweenTwoEnginesShowsPathDownAndTheHeldPeerNeverComesUp() {
        BfdSession[] p = pair(c -> c);
        BfdSession sa = p[0];
        BfdSession sb = p[1];
        try {
            awaitUp(sa, sb);
            // The listener runs on its own thread: count from the Up it was told, not from before it.
            Poll.until(UP, "listener saw Up", () -> {
                List<State> states = eventsB.statesOf(sb.key());
                return !states.isEmpty() && states.get(states.size() - 1) == State.UP;
            });
            int seen = eventsB.statesOf(sb.key()).size();
            sa.holdDown(Diagnostic.PATH_DOWN).join();
            Poll.until(Duration.ofSeconds(2), "peer Down", () -> sb.snapshot().state() != State.UP);
            assertThat(sb.snapshot().remote().diag()).isEqualTo(Diagnostic.PATH_DOWN);
            Poll.until(UP, "peer Init", () -> sb.snapshot().state() == State.INIT);
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                assertThat(sb.snapshot().state()).isNotEqualTo(State.UP);
            }
            assertThat(eventsB.statesOf(sb.key()).subList(seen, eventsB.statesOf(sb.key()).size()))
                    .containsExactly(State.DOWN, State.INIT);
            assertThat(sa.snapshot().heldDown()).isTrue();
            assertThat(sa.snapshot().heldDownDiag()).isEqualTo(Diagnostic.PATH_DOWN);
            sa.release().join();
            awaitUp(sa, sb);
        } finally {
            remove(p);
        }
    }

    /**
     * Decision to wire (issue 16): with the engine idle, a hold-down is sent from the caller's
     * thread before holdDown returns; the event loop, busy here, is not on the way.
     */
    @Test
    void aHoldDownLeavesFromTheCallersThreadWithoutTheEventLoop() throws Exception {
        BfdSession[] p = pair(c -> c);
        BfdSession sa = p[0];
        BfdSession sb = p[1];
        try {
            awaitUp(sa, sb);
            awaitHeardUp(eventsA, sa);
            int heard = eventsA.statesOf(sa.key()).size();
            CountDownLatch free = occupyLoopOfA();
            try {
                CompletableFuture<Void> sent = sa.holdDown(Diagnostic.PATH_DOWN);
                assertThat(sent).isCompleted();
                // a's loop is still busy: only the packet sent from this thread can tell b Path Down.
                Poll.until(Duration.ofSeconds(2), "peer hears Path Down",
                        () -> sb.snapshot().remote().diag() == Diagnostic.PATH_DOWN);
                assertThat(sb.snapshot().state()).isNotEqualTo(State.UP);
                assertThat(eventsA.statesOf(sa.key())).hasSize(heard); // told by the loop, later
            } finally {
                free.countDown();
            }
            // Then the loop tells the listeners, and the session stays held with its timers running.
            Poll.until(UP, "listener heard the Down", () -> eventsA.statesOf(sa.key()).size() > heard);
            assertThat(eventsA.statesOf(sa.key()).get(heard)).isEqualTo(State.DOWN);
            Poll.until(UP, "peer Init", () -> sb.snapshot().state() == State.INIT);
            assertThat(sa.snapshot().heldDown()).isTrue();
            sa.release().join();
            awaitUp(sa, sb);
        } finally {
            remove(p);
        }
    }

    /**
     * A hold-down never overtakes an action still waiting for the event loop: a release
     * posted before it applies first, so the session ends held (the agent's order: a release
     * the loop decided, then a DOWN decided after it).
     */
    @Test
    void aHoldDownOvertakesNoActionWaitingForTheEventLoop() throws Exception {
        BfdSession[] p = pair(c -> c);
        BfdSession sa = p[0];
        BfdSession sb = p[1];
        try {
            awaitUp(sa, sb);
            sa.holdDown(Diagnostic.PATH_DOWN).join();
            CountDownLatch free = occupyLoopOfA();
            CompletableFuture<Void> released;
            CompletableFuture<Void> held;
            try {
                released = sa.release();
                held = sa.holdDown(Diagnostic.CONCATENATED_PATH_DOWN);
                assertThat(released).isNotDone();
                assertThat(held).isNotDone();
            } finally {
                free.countDown();
            }
            released.join();
            held.join();
            assertThat(sa.snapshot().heldDown()).isTrue();
            assertThat(sa.snapshot().heldDownDiag()).isEqualTo(Diagnostic.CONCATENATED_PATH_DOWN);
            Poll.until(Duration.ofSeconds(2), "peer hears the second hold-down",
                    () -> sb.snapshot().remote().diag() == Diagnostic.CONCATENATED_PATH_DOWN);
            sa.release().join();
            awaitUp(sa, sb);
        } finally {
            remove(p);
        }
    }

    @Test
    void aSessionAddedHeldDownNeverComesUpUntilReleased() {
        BfdSession sb = b.addSession(v4("100.64.30.1", "100.64.30.2").interval(Duration.ofMillis(50)).build());
        SessionConfig ca = v4("100.64.30.2", "100.64.30.1").interval(Duration.ofMillis(50)).build();
        int seen = eventsA.statesOf(ca.key()).size(); // earlier tests used the same addresses
        BfdSession sa = a.addSession(ca, Diagnostic.PATH_DOWN);
        try {
            Poll.until(UP, "peer hears the held session", () -> sb.snapshot().remote().discriminator() != 0);
            assertThat(sb.snapshot().remote().diag()).isEqualTo(Diagnostic.PATH_DOWN);
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < until) {
                assertThat(sb.snapshot().state()).isNotEqualTo(State.UP);
            }
            List<State> ours = eventsA.statesOf(ca.key());
            assertThat(ours.subList(seen, ours.size())).doesNotContain(State.UP);
            assertThat(sa.snapshot().heldDown()).isTrue();
            sa.release().join();
            awaitUp(sa, sb);
        } finally {
            remove(sa, sb);
        }
    }
}
