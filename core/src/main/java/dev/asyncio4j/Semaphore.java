package dev.asyncio4j;

import dev.asyncio4j.internal.OncePermit;
import dev.asyncio4j.internal.Sneaky;
import dev.asyncio4j.internal.WaitQueue;

/**
 * A counter of permits that limits how many tasks run a section at once: asyncio's
 * {@code Semaphore}.
 *
 * <pre>{@code
 * var sem = new Semaphore(3);
 * List<Task<byte[]>> downloads = urls.stream()
 *         .map(url -> createTask(() -> {
 *             try (var p = sem.acquire()) {      // at most three downloads at a time
 *                 return download(url);
 *             }
 *         }))
 *         .toList();
 * }</pre>
 *
 * <p>{@link #acquire()} takes a permit, suspending while none is free; {@link #release()} gives one
 * back. {@link #release()} may be called more often than {@code acquire()}, which raises the count
 * (use {@link BoundedSemaphore} to forbid that).
 *
 * <p><b>Fairness.</b> Strictly FIFO (CPython 3.13): a task that calls {@code acquire()} while others
 * are waiting queues behind them even if a permit is free, and {@link #isLocked()} reports
 * {@code true} then. Each release wakes the longest waiting task and reserves the permit for it.
 *
 * <p><b>Cancellation.</b> A task cancelled while waiting leaves with {@link CancelledError} and
 * without a permit. If a permit had already been reserved for it, the permit goes to the next waiter
 * (or back to the count): cancellation never loses a permit and a release never wakes a cancelled
 * task.
 *
 * <p><b>Threads.</b> Loop-confined. It binds to the loop that first uses it; use from another loop,
 * or from a thread that runs no loop once bound, throws {@link IllegalStateException}. Memory
 * effects of a task before {@code release()} happen-before those of the task that takes the permit.
 */
public sealed class Semaphore permits BoundedSemaphore {
    /**
     * A snapshot of a semaphore's state, for debugging and task dumps.
     *
     * @param value   the free permits (permits reserved for woken tasks are not free)
     * @param waiters how many tasks are queued in {@link #acquire()}
     */
    public record Statistics(int value, int waiters) {
    }

    private final WaitQueue waiters = new WaitQueue(this, "Semaphore.acquire");
    private final Runnable releaser = this::release;
    private int value;

    /** Creates a semaphore with one permit. */
    public Semaphore() {
        this(1);
    }

    /**
     * Creates a semaphore with {@code value} permits; it binds to a loop on first use.
     *
     * @param value the initial number of permits
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public Semaphore(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("Semaphore initial value must be >= 0, got " + value);
        }
        this.value = value;
    }

    /**
     * Tells whether {@link #acquire()} would suspend: no permit is free, or tasks are waiting ahead.
     *
     * @return {@code true} if an acquire cannot succeed at once
     */
    public boolean isLocked() {
        return value == 0 || !waiters.allCancelled();
    }

    /**
     * Takes a permit, suspending the current task until one is free and every earlier waiter has
     * been served.
     *
     * @return a permit whose {@code close()} gives the semaphore permit back (once)
     * @throws CancelledError        if the task is cancelled while waiting; it then holds no permit
     * @throws IllegalStateException if called outside a task or from another loop
     */
    public Permit acquire() {
        Task<?> task = Combinators.currentTask("Semaphore.acquire()");
        waiters.bind(task.loop);
        if (!isLocked()) {
            value--;
            return new OncePermit(releaser);
        }
        WaitQueue.Waiter w = waiters.enqueue();
        try {
            try {
                task.await(w);
            } finally {
                waiters.remove(w);
            }
        } catch (Throwable e) {
            if (w.isDone() && !w.isCancelled()) {
                // A permit was reserved for us, but we are not taking it: give it back.
                value++;
            }
            throw e;
        } finally {
            // Waiters that arrived while permits were reserved queued for FIFO's sake; wake as many
            // as there are free permits now.
            while (value > 0 && wakeUpNext()) {
                // keep waking
            }
        }
        return new OncePermit(releaser);
    }

    /**
     * Gives a permit back and wakes the first waiting task, if any.
     *
     * @throws IllegalStateException if called from another loop than the semaphore's; for a
     *                               {@link BoundedSemaphore}, also if it would exceed the initial value
     */
    public void release() {
        waiters.checkLoop();
        value++;
        wakeUpNext();
    }

    private boolean wakeUpNext() {
        if (waiters.pendingCount() == 0) {
            return false;
        }
        value--;
        return waiters.wakeNext();
    }

    /**
     * Runs {@code body} holding a permit, and gives it back however the body ends.
     *
     * @param <T>  the body's result type
     * @param body the limited section
     * @return the body's result; its failure is rethrown unchanged
     * @throws CancelledError        if the task is cancelled while waiting for a permit
     * @throws IllegalStateException if called outside a task or from another loop
     */
    public <T> T withPermit(Coroutine<T> body) {
        try (Permit p = acquire()) {
            return body.call();
        } catch (Exception e) {
            throw Sneaky.raise(e);
        }
    }

    /**
     * Returns a snapshot of the semaphore's state.
     *
     * @return the statistics
     */
    public Statistics statistics() {
        return new Statistics(value, waiters.size());
    }

    /* The free permits, for BoundedSemaphore's check. */
    final int value() {
        return value;
    }

    @Override
    public String toString() {
        String extra = isLocked() ? "locked" : "unlocked, value:" + value;
        if (waiters.size() > 0) {
            extra += ", waiters:" + waiters.size();
        }
        return "<" + getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this)) + " [" + extra + "]>";
    }
}
