package dev.asyncio4j;

import dev.asyncio4j.internal.WaitQueue;

/**
 * A flag that tasks can wait for: asyncio's {@code Event}.
 *
 * <pre>{@code
 * var ready = new Event();
 * createTask(() -> { ready.await(); return use(config); });   // suspends until set
 * config = await(load());
 * ready.set();                                                 // wakes every waiting task
 * }</pre>
 *
 * <p>The flag starts cleared. {@link #set()} wakes every task waiting in {@link #await()}, in the
 * order they started waiting; while the flag stays set, {@code await()} returns at once.
 * {@link #clear()} does not take back a wake-up already given: a task woken by {@code set()} returns
 * from {@code await()} even if the flag was cleared before it ran.
 *
 * <p><b>Why {@code await()} and not {@code wait()}.</b> asyncio calls it {@code wait()}, but every
 * Java object already has a final {@link Object#wait()}; the name {@code await} follows
 * {@link java.util.concurrent.locks.Condition#await()} and {@link Asyncio#await}.
 *
 * <p><b>Cancellation.</b> A task cancelled in {@code await()} leaves with {@link CancelledError};
 * the event is unaffected.
 *
 * <p><b>Threads.</b> Loop-confined: it binds to the loop that first uses it, and other loops (or,
 * once bound, threads running no loop) get {@link IllegalStateException}. To set it from another
 * thread, use {@code loop.callSoonThreadsafe(event::set)}. Memory effects of a task before
 * {@code set()} happen-before those of the tasks it wakes.
 */
public final class Event {
    /**
     * A snapshot of an event's state, for debugging and task dumps.
     *
     * @param set     whether the flag is set
     * @param waiters how many tasks are queued in {@link #await()}
     */
    public record Statistics(boolean set, int waiters) {
    }

    private final WaitQueue waiters = new WaitQueue(this, "Event.await");
    private boolean value;

    /** Creates a cleared event; it binds to a loop on first use. */
    public Event() {
    }

    /**
     * Tells whether the flag is set (asyncio's {@code is_set()}).
     *
     * @return {@code true} if set
     */
    public boolean isSet() {
        return value;
    }

    /**
     * Sets the flag and wakes every waiting task; does nothing if it is already set.
     *
     * @throws IllegalStateException if called from another loop than the event's
     */
    public void set() {
        waiters.checkLoop();
        if (!value) {
            value = true;
            waiters.wakeAll();
        }
    }

    /**
     * Clears the flag, so that later calls of {@link #await()} suspend until the next {@link #set()}.
     *
     * @throws IllegalStateException if called from another loop than the event's
     */
    public void clear() {
        waiters.checkLoop();
        value = false;
    }

    /**
     * Suspends the current task until the flag is set; returns at once if it is (asyncio's
     * {@code wait()}).
     *
     * @throws CancelledError        if the task is cancelled while waiting
     * @throws IllegalStateException if called outside a task or from another loop than the event's
     */
    public void await() {
        Task<?> task = Combinators.currentTask("Event.await()");
        waiters.bind(task.loop);
        if (value) {
            return;
        }
        WaitQueue.Waiter w = waiters.enqueue();
        try {
            task.await(w);
        } finally {
            waiters.remove(w);
        }
    }

    /**
     * Returns a snapshot of the event's state.
     *
     * @return the statistics
     */
    public Statistics statistics() {
        return new Statistics(value, waiters.size());
    }

    @Override
    public String toString() {
        String extra = value ? "set" : "unset";
        if (waiters.size() > 0) {
            extra += ", waiters:" + waiters.size();
        }
        return "<Event@" + Integer.toHexString(System.identityHashCode(this)) + " [" + extra + "]>";
    }
}
