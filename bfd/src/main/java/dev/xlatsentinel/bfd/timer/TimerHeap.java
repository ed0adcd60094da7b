package dev.xlatsentinel.bfd.timer;

import java.util.Arrays;

/**
 * Deadlines as plain longs, one per timer id (a small int the owner allocates), in an
 * indexed binary min-heap: set, cancel and move in O(log n), earliest in O(1), and no
 * allocation after growth. The owner drives it with {@link #pollExpired(long, Expiry)},
 * passing the time, so tests move time by hand (the Agrona {@code DeadlineTimerWheel}
 * idea, with exact deadlines instead of ticks).
 *
 * <p>Not thread-safe: owned by one event loop.
 */
public final class TimerHeap {
    public static final long NEVER = Long.MAX_VALUE;

    /** Called for each expired timer; the timer is already removed and may be set again. */
    @FunctionalInterface
    public interface Expiry {
        void onExpiry(int timerId, long now);
    }

    private long[] deadline = new long[16];
    /** heap[i] = timer id at heap slot i. */
    private int[] heap = new int[16];
    /** pos[id] = heap slot of timer id, or -1 when not scheduled. */
    private int[] pos = filled(16);
    private int size;

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }

    public int size() {
        return size;
    }

    public boolean isScheduled(int id) {
        return id < pos.length && pos[id] >= 0;
    }

    public long deadlineOf(int id) {
        return isScheduled(id) ? deadline[id] : NEVER;
    }

    /** The earliest deadline, or {@link #NEVER}. */
    public long earliest() {
        return size == 0 ? NEVER : deadline[heap[0]];
    }

    /** Sets (or moves) timer {@code id} to {@code when}; {@link #NEVER} cancels it. */
    public void set(int id, long when) {
        if (when == NEVER) {
            cancel(id);
            return;
        }
        ensureId(id);
        int slot = pos[id];
        if (slot < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            deadline[id] = when;
            heap[size] = id;
            pos[id] = size;
            siftUp(size++);
            return;
        }
        long old = deadline[id];
        deadline[id] = when;
        if (when < old) {
            siftUp(slot);
        } else if (when > old) {
            siftDown(slot);
        }
    }

    public void cancel(int id) {
        if (!isScheduled(id)) {
            return;
        }
        int slot = pos[id];
        pos[id] = -1;
        int last = heap[--size];
        if (slot != size) {
            heap[slot] = last;
            pos[last] = slot;
            siftDown(slot);
            siftUp(pos[last]);
        }
    }

    /** Removes and reports every timer due at {@code now}; returns how many fired. */
    public int pollExpired(long now, Expiry expiry) {
        int fired = 0;
        while (size > 0 && deadline[heap[0]] <= now) {
            int id = heap[0];
            cancel(id);
            expiry.onExpiry(id, now);
            fired++;
        }
        return fired;
    }

    private void ensureId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("timer id " + id);
        }
        if (id >= pos.length) {
            int n = Math.max(id + 1, pos.length * 2);
            int old = pos.length;
            pos = Arrays.copyOf(pos, n);
            Arrays.fill(pos, old, n, -1);
            deadline = Arrays.copyOf(deadline, n);
        }
    }

    private void siftUp(int slot) {
        int id = heap[slot];
        long d = deadline[id];
        while (slot > 0) {
            int parent = (slot - 1) >>> 1;
            int pid = heap[parent];
            if (deadline[pid] <= d) {
                break;
            }
            heap[slot] = pid;
            pos[pid] = slot;
            slot = parent;
        }
        heap[slot] = id;
        pos[id] = slot;
    }

    private void siftDown(int slot) {
        int id = heap[slot];
        long d = deadline[id];
        int half = size >>> 1;
        while (slot < half) {
            int child = 2 * slot + 1;
            int right = child + 1;
            if (right < size && deadline[heap[right]] < deadline[heap[child]]) {
                child = right;
            }
            int cid = heap[child];
            if (d <= deadline[cid]) {
                break;
            }
            heap[slot] = cid;
            pos[cid] = slot;
            slot = child;
        }
        heap[slot] = id;
        pos[id] = slot;
    }
}
