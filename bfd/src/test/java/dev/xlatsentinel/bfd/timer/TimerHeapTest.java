package dev.xlatsentinel.bfd.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimerHeapTest {
    @Test
    void firesInDeadlineOrderAndOnlyWhenDue() {
        TimerHeap h = new TimerHeap();
        h.set(1, 300);
        h.set(2, 100);
        h.set(3, 200);
        List<Integer> fired = new ArrayList<>();
        assertThat(h.pollExpired(99, (id, now) -> fired.add(id))).isZero();
        assertThat(h.pollExpired(250, (id, now) -> fired.add(id))).isEqualTo(2);
        assertThat(fired).containsExactly(2, 3);
        assertThat(h.earliest()).isEqualTo(300);
    }

    @Test
    void movingAndCancellingKeepTheHeapExact() {
        TimerHeap h = new TimerHeap();
        h.set(5, 500);
        h.set(6, 600);
        h.set(5, 700);
        assertThat(h.earliest()).isEqualTo(600);
        h.cancel(6);
        assertThat(h.earliest()).isEqualTo(700);
        h.set(5, TimerHeap.NEVER);
        assertThat(h.size()).isZero();
        assertThat(h.earliest()).isEqualTo(TimerHeap.NEVER);
    }

    @Test
    void expiryMayRearmTheSameTimer() {
        TimerHeap h = new TimerHeap();
        h.set(0, 10);
        List<Long> at = new ArrayList<>();
        h.pollExpired(10, (id, now) -> {
            at.add(now);
            h.set(id, now + 10);
        });
        assertThat(at).containsExactly(10L);
        assertThat(h.deadlineOf(0)).isEqualTo(20);
    }

    /** Random operations against a plain map: the heap must agree on every earliest(). */
    @Test
    void agreesWithAReferenceOverRandomOperations() {
        SplittableRandom r = new SplittableRandom(42);
        TimerHeap h = new TimerHeap();
        Map<Integer, Long> ref = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            int id = r.nextInt(3000);
            if (r.nextInt(4) == 0) {
                h.cancel(id);
                ref.remove(id);
            } else {
                long d = r.nextLong(1_000_000);
                h.set(id, d);
                ref.put(id, d);
            }
            if (i % 1000 == 0) {
                long expected = ref.values().stream().mapToLong(Long::longValue).min().orElse(TimerHeap.NEVER);
                assertThat(h.earliest()).isEqualTo(expected);
                assertThat(h.size()).isEqualTo(ref.size());
            }
        }
        long[] last = {Long.MIN_VALUE};
        h.pollExpired(Long.MAX_VALUE - 1, (id, now) -> {
            assertThat(ref.get(id)).isGreaterThanOrEqualTo(last[0]);
            last[0] = ref.remove(id);
        });
        assertThat(ref).isEmpty();
    }
}
