package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.common.future.Cancellable;
import org.apache.sshd.common.future.SshFuture;

/**
 * The one bridge from MINA's futures to ours: a MINA future completes on a MINA thread, its listener
 * completes a {@link CompletableFuture}, and {@link Future#from} hands the result to the loop through
 * {@code callSoonThreadsafe}. Nothing here blocks.
 */
public final class MinaFutures {
    private MinaFutures() {
    }

    /**
     * Returns a future of the running loop that completes (with the MINA future itself) when the MINA
     * future does; cancelling it cancels a cancellable MINA future.
     *
     * @param <F>    the MINA future type
     * @param future the MINA future
     * @return our future
     * @throws IllegalStateException if no loop runs in this thread
     */
    public static <F extends SshFuture<F>> Future<F> toFuture(F future) {
        CompletableFuture<F> done = new CompletableFuture<>();
        future.addListener(done::complete);
        Future<F> ours = Future.from(done);
        if (future instanceof Cancellable c) {
            ours.addDoneCallback(f -> {
                if (f.isCancelled()) {
                    c.cancel();
                }
            });
        }
        return ours;
    }

    /**
     * Suspends the current task until the MINA future completes, at most {@code timeout}.
     *
     * @param <F>     the MINA future type
     * @param future  the MINA future
     * @param timeout the limit, or {@code null} for none
     * @return the completed MINA future, to inspect
     * @throws dev.asyncio4j.TimeoutError   if the limit passed (a cancellable MINA future is cancelled)
     * @throws dev.asyncio4j.CancelledError if the task is cancelled
     */
    public static <F extends SshFuture<F>> F await(F future, Duration timeout) {
        return Asyncio.waitFor(toFuture(future), timeout);
    }

    /**
     * Closes a MINA session or server gracefully; inside a task, also waits up to {@code wait} for the
     * close to finish and then closes it immediately. Outside a task (a callback, another thread) it
     * only starts the graceful close.
     *
     * @param closeable the MINA session or server
     * @param wait      how long a task waits for the graceful close
     */
    public static void closeGracefully(org.apache.sshd.common.Closeable closeable, Duration wait) {
        org.apache.sshd.common.future.CloseFuture f = closeable.close(false);
        if (inTask()) {
            try {
                await(f, wait);
            } catch (dev.asyncio4j.TimeoutError e) {
                closeable.close(true);
            }
        }
    }

    /**
     * Returns whether the caller is a task's coroutine (which may await), rather than a plain callback
     * or a thread without a loop.
     *
     * @return {@code true} inside a task
     */
    static boolean inTask() {
        try {
            return Asyncio.currentTask() != null;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
