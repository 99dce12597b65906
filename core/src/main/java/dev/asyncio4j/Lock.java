package dev.asyncio4j;

import dev.asyncio4j.internal.OncePermit;
import dev.asyncio4j.internal.Sneaky;
import dev.asyncio4j.internal.WaitQueue;

/**
 * A mutual-exclusion lock for the tasks of one event loop: asyncio's {@code Lock}.
 *
 * <pre>{@code
 * var lock = new Lock();
 * try (var held = lock.acquire()) {       // async with lock:
 *     balance = balance + await(fetchDelta());
 * }
 * int n = lock.withLock(() -> counter++); // the same, as a call
 * }</pre>
 *
 * <p>A task only switches at an await, so a lock is needed only when a critical section itself
 * awaits. The lock is not reentrant and not owned: any task may {@link #release()} it (as in asyncio);
 * {@link Statistics#owner()} names the task that acquired it, for debugging.
 *
 * <p><b>Fairness.</b> Strictly FIFO: {@link #acquire()} never barges past a task that is already
 * waiting, and each {@link #release()} lets the longest waiting task proceed. Between the release
 * and the moment that task runs, {@link #isLocked()} is {@code false}, but newcomers still queue
 * behind it (CPython 3.13 semantics).
 *
 * <p><b>Cancellation.</b> A task cancelled while waiting leaves the queue with
 * {@link CancelledError}, without the lock. If the lock was already handed to it when the
 * cancellation arrived, it passes the lock on to the next waiter, so a release is never lost and
 * never wakes a cancelled task.
 *
 * <p><b>Threads.</b> Loop-confined. The lock binds to the loop of the first task or callback that
 * uses it (asyncio's {@code _LoopBoundMixin}), and any use from another loop, or from a thread that
 * runs no loop once it is bound, throws {@link IllegalStateException}. The constructor may run
 * anywhere. Memory effects of a task before {@code release()} happen-before those of the task that
 * acquires the lock next (the loop's baton hand-off orders them).
 */
public final class Lock {
    /**
     * A snapshot of a lock's state, for debugging and task dumps.
     *
     * @param locked  whether the lock is held
     * @param owner   the task that acquired it and has not released it yet, or {@code null}
     * @param waiters how many tasks are queued in {@link #acquire()} (asyncio's {@code len(_waiters)})
     */
    public record Statistics(boolean locked, Task<?> owner, int waiters) {
    }

    private final WaitQueue waiters = new WaitQueue(this, "Lock.acquire");
    private final Runnable releaser = this::release;
    private boolean locked;
    private Task<?> owner;

    /** Creates an unlocked lock; it binds to a loop on first use. */
    public Lock() {
    }

    /**
     * Acquires the lock, suspending the current task while another holds it or earlier tasks wait.
     *
     * @return a permit whose {@code close()} releases the lock (once)
     * @throws CancelledError        if the task is cancelled while waiting; it then does not hold the lock
     * @throws IllegalStateException if called outside a task or from another loop than the lock's
     */
    public Permit acquire() {
        Task<?> task = Combinators.currentTask("Lock.acquire()");
        waiters.bind(task.loop);
        if (!locked && waiters.allCancelled()) {
            return grant(task);
        }
        WaitQueue.Waiter w = waiters.enqueue();
        try {
            try {
                task.await(w);
            } finally {
                waiters.remove(w);
            }
        } catch (Throwable e) {
            if (!locked) {
                waiters.wakeFirst();
            }
            throw e;
        }
        return grant(task);
    }

    private Permit grant(Task<?> task) {
        locked = true;
        owner = task;
        return new OncePermit(releaser);
    }

    /**
     * Releases the lock and lets the first waiting task, if any, acquire it.
     *
     * @throws IllegalStateException if the lock is not held (asyncio's {@code RuntimeError}), or if
     *                               called from another loop than the lock's
     */
    public void release() {
        waiters.checkLoop();
        if (!locked) {
            throw new IllegalStateException("Lock is not acquired.");
        }
        locked = false;
        owner = null;
        waiters.wakeFirst();
    }

    /**
     * Tells whether the lock is held.
     *
     * @return {@code true} if some task holds it
     */
    public boolean isLocked() {
        return locked;
    }

    /**
     * Runs {@code body} while holding the lock, and releases it however the body ends.
     *
     * @param <T>  the body's result type
     * @param body the critical section
     * @return the body's result; its failure is rethrown unchanged
     * @throws CancelledError        if the task is cancelled while waiting for the lock
     * @throws IllegalStateException if called outside a task or from another loop than the lock's
     */
    public <T> T withLock(Coroutine<T> body) {
        try (Permit held = acquire()) {
            return body.call();
        } catch (Exception e) {
            throw Sneaky.raise(e);
        }
    }

    /**
     * Returns a snapshot of the lock's state.
     *
     * @return the statistics
     */
    public Statistics statistics() {
        return new Statistics(locked, owner, waiters.size());
    }

    @Override
    public String toString() {
        String extra = locked ? "locked" : "unlocked";
        if (waiters.size() > 0) {
            extra += ", waiters:" + waiters.size();
        }
        return "<Lock@" + Integer.toHexString(System.identityHashCode(this)) + " [" + extra + "]>";
    }
}
