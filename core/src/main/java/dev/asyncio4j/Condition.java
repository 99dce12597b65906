package dev.asyncio4j;

import dev.asyncio4j.internal.WaitQueue;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition variable: tasks wait, holding a {@link Lock}, until another task signals them —
 * asyncio's {@code Condition}.
 *
 * <pre>{@code
 * var cond = new Condition();
 * try (var held = cond.acquire()) {              // consumer
 *     cond.waitFor(() -> !items.isEmpty());      // releases the lock while waiting
 *     return items.removeFirst();
 * }
 * try (var held = cond.acquire()) {              // producer
 *     items.add(x);
 *     cond.signal();                             // asyncio's notify()
 * }
 * }</pre>
 *
 * <p><b>Names.</b> asyncio's {@code wait()}, {@code notify(n)} and {@code notify_all()} would clash
 * with the final methods {@link Object#wait()}, {@link Object#notify()} and {@link Object#notifyAll()}
 * that every Java object has. They are {@link #await()}, {@link #signal(int)} / {@link #signal()} and
 * {@link #signalAll()} here, the names of {@link java.util.concurrent.locks.Condition}.
 *
 * <p><b>Semantics</b> (CPython 3.13). {@code await()} releases the lock, suspends until signalled,
 * and re-acquires the lock before it returns or throws — also when the task is cancelled, so the
 * caller always holds the lock afterwards. Signals wake waiters in FIFO order. As the Python docs
 * say, {@code await()} may return spuriously; {@link #waitFor} re-checks its predicate. A waiter that
 * is signalled and then cancelled before it returns passes its signal on to the next waiter, so a
 * signal is never lost to a cancellation.
 *
 * <p><b>Threads.</b> Loop-confined, like {@link Lock}: it binds to the first loop that uses it.
 */
public final class Condition {
    /**
     * A snapshot of a condition's state, for debugging and task dumps.
     *
     * @param waiters how many tasks are queued in {@link #await()}
     * @param lock    the state of the underlying lock
     */
    public record Statistics(int waiters, Lock.Statistics lock) {
    }

    private final Lock lock;
    private final WaitQueue waiters;

    /** Creates a condition with a new lock of its own. */
    public Condition() {
        this(new Lock());
    }

    /* A condition with a lock of its own whose waits task dumps show as {@code waitLabel} (Barrier's). */
    Condition(String waitLabel) {
        this.lock = new Lock();
        this.waiters = new WaitQueue(this, waitLabel);
    }

    /**
     * Creates a condition over an existing lock, which may be shared with other conditions.
     *
     * @param lock the underlying lock
     */
    public Condition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.waiters = new WaitQueue(this, "Condition.await");
    }

    /**
     * Acquires the underlying lock; see {@link Lock#acquire()}.
     *
     * @return a permit whose {@code close()} releases the lock
     * @throws CancelledError        if the task is cancelled while waiting for the lock
     * @throws IllegalStateException if called outside a task or from another loop than the lock's
     */
    public Permit acquire() {
        return lock.acquire();
    }

    /**
     * Releases the underlying lock; see {@link Lock#release()}.
     *
     * @throws IllegalStateException if the lock is not held, or called from another loop
     */
    public void release() {
        lock.release();
    }

    /**
     * Tells whether the underlying lock is held.
     *
     * @return {@code true} if held
     */
    public boolean isLocked() {
        return lock.isLocked();
    }

    /**
     * Runs {@code body} while holding the underlying lock; see {@link Lock#withLock}.
     *
     * @param <T>  the body's result type
     * @param body the critical section
     * @return the body's result; its failure is rethrown unchanged
     */
    public <T> T withLock(Coroutine<T> body) {
        return lock.withLock(body);
    }

    /**
     * Releases the lock, suspends until signalled, then re-acquires the lock (asyncio's
     * {@code wait()}). The lock is held again when this method returns or throws.
     *
     * @throws CancelledError        if the task is cancelled while waiting or while re-acquiring; the
     *                               lock is held nonetheless (unless the loop is being closed)
     * @throws IllegalStateException if the lock is not held (asyncio's {@code RuntimeError}), or if
     *                               called outside a task or from another loop
     */
    public void await() {
        Task<?> task = Combinators.currentTask("Condition.await()");
        waiters.bind(task.loop);
        if (!lock.isLocked()) {
            throw new IllegalStateException("cannot wait on un-acquired lock");
        }
        lock.release();
        try {
            WaitQueue.Waiter w = waiters.enqueue();
            try {
                try {
                    task.await(w);
                } finally {
                    waiters.remove(w);
                }
            } finally {
                reacquire(task);
            }
        } catch (Throwable e) {
            // Whatever escapes may have arrived after this task was signalled: pass the signal on
            // (a spurious wake-up for the next waiter is allowed, a lost one is not).
            waiters.wake(1, Boolean.FALSE);
            throw e;
        }
    }

    /*
     * Re-acquires the lock however often the task is cancelled meanwhile, and rethrows the last
     * cancellation. A closing loop is the exception: it fails every await at once, so waiting for a
     * lock that another task holds would spin forever; the closing cancellation propagates instead.
     */
    private void reacquire(Task<?> task) {
        CancelledError error = null;
        for (;;) {
            try {
                lock.acquire();
                break;
            } catch (CancelledError e) {
                error = e;
                task.loop.checkNotClosing();
            }
        }
        if (error != null) {
            throw error;
        }
    }

    /**
     * Waits until {@code predicate} is true: checks it, and calls {@link #await()} for as long as it
     * is false (asyncio's {@code wait_for()}). The predicate is checked with the lock held, except
     * the first time, so a predicate that is already true needs no lock.
     *
     * @param predicate the condition to wait for
     * @throws CancelledError        if the task is cancelled while waiting; the lock is held nonetheless
     * @throws IllegalStateException if the predicate is false and the lock is not held
     */
    public void waitFor(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        while (!predicate.getAsBoolean()) {
            await();
        }
    }

    /**
     * Wakes one waiting task (asyncio's {@code notify()}); it returns from {@code await()} once it
     * has re-acquired the lock, so the caller should release it.
     *
     * @throws IllegalStateException if the lock is not held, or called from another loop
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiting tasks in FIFO order (asyncio's {@code notify(n)}).
     *
     * @param n the most tasks to wake
     * @throws IllegalStateException if the lock is not held, or called from another loop
     */
    public void signal(int n) {
        waiters.checkLoop();
        if (!lock.isLocked()) {
            throw new IllegalStateException("cannot notify on un-acquired lock");
        }
        waiters.wake(n, Boolean.FALSE);
    }

    /**
     * Wakes every waiting task (asyncio's {@code notify_all()}).
     *
     * @throws IllegalStateException if the lock is not held, or called from another loop
     */
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }

    /**
     * Returns a snapshot of the condition's state.
     *
     * @return the statistics
     */
    public Statistics statistics() {
        return new Statistics(waiters.size(), lock.statistics());
    }

    @Override
    public String toString() {
        String extra = lock.isLocked() ? "locked" : "unlocked";
        if (waiters.size() > 0) {
            extra += ", waiters:" + waiters.size();
        }
        return "<Condition@" + Integer.toHexString(System.identityHashCode(this)) + " [" + extra + "]>";
    }
}
