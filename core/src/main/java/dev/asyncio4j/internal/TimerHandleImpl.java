package dev.asyncio4j.internal;

import dev.asyncio4j.TimerHandle;

/** A callback waiting in the loop's {@link TimerQueue} until its deadline. */
final class TimerHandleImpl extends HandleImpl implements TimerHandle {
    final long when;
    final long seq;
    int heapIndex = -1;
    private final TimerQueue queue;

    TimerHandleImpl(TimerQueue queue, long when, long seq, Runnable callback) {
        super(callback);
        this.queue = queue;
        this.when = when;
        this.seq = seq;
    }

    @Override
    public long when() {
        return when;
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            queue.remove(this);
        }
    }

    boolean before(TimerHandleImpl other) {
        return when < other.when || (when == other.when && seq < other.seq);
    }

    @Override
    public String toString() {
        return "<TimerHandle " + (cancelled ? "cancelled " : "") + "when=" + when + " " + callback + ">";
    }
}
