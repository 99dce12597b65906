package dev.asyncio4j.internal;

import dev.asyncio4j.Future;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link CompletableFuture} face of a loop future, for threads outside the loop: it completes
 * with the loop future's outcome, and cancelling it cancels the loop future on its loop. Serves
 * {@code Future.toCompletableFuture()} and {@code Asyncio.runCoroutineThreadsafe()}, where the loop
 * future (a task) may not exist yet when the bridge is handed out.
 *
 * @param <T> the result type
 */
public final class BridgeFuture<T> extends CompletableFuture<T> {
    private final DefaultEventLoop loop;
    private volatile Future<T> source;

    /**
     * Creates a bridge to a loop future that is attached later with {@link #follow}.
     *
     * @param loop the loop of that future
     */
    public BridgeFuture(DefaultEventLoop loop) {
        this.loop = loop;
    }

    /**
     * Mirrors {@code future}'s outcome into this bridge; at once if it is already done. Must be
     * called on the future's loop.
     *
     * @param future the loop future to follow
     * @return this bridge
     */
    public BridgeFuture<T> follow(Future<T> future) {
        source = future;
        if (future.isDone()) {
            copy(future);
        } else {
            future.addDoneCallback(this::copy);
        }
        return this;
    }

    private void copy(Future<T> done) {
        if (done.isCancelled()) {
            super.cancel(false);
        } else if (done.exception() != null) {
            completeExceptionally(done.exception());
        } else {
            complete(done.result());
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            loop.callSoonThreadsafeIfOpen(() -> {
                Future<T> f = source;
                if (f != null) {
                    f.cancel();
                }
            });
        }
        return cancelled;
    }
}
