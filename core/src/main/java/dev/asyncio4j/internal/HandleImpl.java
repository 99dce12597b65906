package dev.asyncio4j.internal;

import dev.asyncio4j.Handle;

/** A scheduled callback in the loop's ready queue. */
class HandleImpl implements Handle {
    final Runnable callback;
    volatile boolean cancelled;

    HandleImpl(Runnable callback) {
        this.callback = callback;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public String toString() {
        return "<Handle " + (cancelled ? "cancelled " : "") + callback + ">";
    }
}
