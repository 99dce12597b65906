package dev.asyncio4j.internal;

import java.util.Arrays;

/*
 * Implementation overview: a binary min-heap of timers ordered by (deadline, insertion sequence), so
 * timers with equal deadlines fire in the order they were scheduled, as in asyncio. Each timer
 * remembers its index in the heap, which makes cancellation an O(log n) removal instead of asyncio's
 * lazy deletion with periodic rebuilds: a timeout scope that is entered and left a million times
 * leaves no garbage behind in the heap.
 */

/** The loop's timers, earliest first. Loop-confined. */
final class TimerQueue {
    private TimerHandleImpl[] heap = new TimerHandleImpl[16];
    private int size;
    private long seq;

    TimerHandleImpl add(long when, Runnable callback) {
        TimerHandleImpl t = new TimerHandleImpl(this, when, seq++, callback);
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.heapIndex = size;
        heap[size++] = t;
        siftUp(t.heapIndex);
        return t;
    }

    TimerHandleImpl peek() {
        return size == 0 ? null : heap[0];
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    TimerHandleImpl poll() {
        if (size == 0) {
            return null;
        }
        TimerHandleImpl first = heap[0];
        removeAt(0);
        return first;
    }

    void remove(TimerHandleImpl t) {
        int i = t.heapIndex;
        if (i >= 0 && i < size && heap[i] == t) {
            removeAt(i);
        }
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void removeAt(int i) {
        TimerHandleImpl removed = heap[i];
        removed.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        TimerHandleImpl last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    private void siftUp(int i) {
        TimerHandleImpl t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerHandleImpl p = heap[parent];
            if (!t.before(p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        TimerHandleImpl t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            TimerHandleImpl c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].before(c)) {
                child = right;
                c = heap[child];
            }
            if (!c.before(t)) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
