package dev.asyncio4j;

/**
 * A meeting point for a fixed number of tasks: each waits until {@code parties} tasks have arrived,
 * then all proceed together — asyncio's {@code Barrier} (Python 3.11).
 *
 * <pre>{@code
 * var barrier = new Barrier(3);
 * for (int i = 0; i < 3; i++) {
 *     createTask(() -> {
 *         prepare();
 *         int index = barrier.await();   // suspends until three tasks are here; 0, 1 or 2
 *         return run(index);
 *     });
 * }
 * }</pre>
 *
 * <p><b>Cycle.</b> The barrier fills until {@code parties} tasks wait, then drains: all of them
 * return from {@link #await()}, each with a distinct index from {@code 0} to {@code parties - 1}
 * (the last arrival gets {@code parties - 1}). Tasks that arrive while it drains wait for the next
 * cycle. {@link #abort()} breaks the barrier: waiting and future callers get
 * {@link BrokenBarrierError}. {@link #reset()} makes current waiters fail with
 * {@code BrokenBarrierError} and returns the barrier to its empty filling state.
 *
 * <p><b>Why {@code await()} and not {@code wait()}.</b> {@link Object#wait()} is final on every Java
 * object; the name follows {@link java.util.concurrent.locks.Condition#await()}.
 *
 * <p><b>Cancellation.</b> A task cancelled while filling leaves and no longer counts
 * ({@link #nWaiting()} drops); the others keep waiting.
 *
 * <p><b>Threads.</b> Loop-confined: it binds to the loop that first uses it. {@link #abort()} and
 * {@link #reset()} take the barrier's internal lock, so like {@code await()} they must be called from
 * a task.
 */
public final class Barrier {
    /** The phases of a barrier, as shown by {@link #toString()} and {@link Statistics}. */
    public enum State {
        /** Collecting tasks until {@code parties} are waiting. */
        FILLING,
        /** Releasing the tasks of a completed cycle; new arrivals wait. */
        DRAINING,
        /** Failing the current waiters after {@link Barrier#reset()}; new arrivals wait. */
        RESETTING,
        /** Aborted: every wait fails until {@link Barrier#reset()}. */
        BROKEN
    }

    /**
     * A snapshot of a barrier's state, for debugging and task dumps.
     *
     * @param parties  the number of tasks needed to trip the barrier
     * @param nWaiting the tasks waiting for the current cycle to fill
     * @param state    the barrier's phase
     */
    public record Statistics(int parties, int nWaiting, State state) {
    }

    private final Condition cond = new Condition("Barrier.await");
    private final int parties;
    private State state = State.FILLING;
    private int count;

    /**
     * Creates a barrier for {@code parties} tasks.
     *
     * @param parties how many tasks must wait before all proceed
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be >= 1, got " + parties);
        }
        this.parties = parties;
    }

    /**
     * Waits until {@code parties} tasks are waiting, then returns this task's index in the cycle
     * (asyncio's {@code wait()}).
     *
     * @return a distinct index from {@code 0} to {@code parties - 1}
     * @throws BrokenBarrierError    if the barrier is broken, or is aborted or reset while waiting
     * @throws CancelledError        if the task is cancelled while waiting
     * @throws IllegalStateException if called outside a task or from another loop
     */
    public int await() {
        try (Permit held = cond.acquire()) {
            block();
            int index = count;
            count++;
            try {
                if (index + 1 == parties) {
                    state = State.DRAINING;
                    cond.signalAll();
                } else {
                    cond.waitFor(() -> state != State.FILLING);
                    if (state == State.BROKEN || state == State.RESETTING) {
                        throw new BrokenBarrierError("Abort or reset of barrier");
                    }
                }
                return index;
            } finally {
                count--;
                exit();
            }
        }
    }

    /* Waits while the barrier drains or resets; fails if it is broken. */
    private void block() {
        cond.waitFor(() -> state != State.DRAINING && state != State.RESETTING);
        if (state == State.BROKEN) {
            throw new BrokenBarrierError("Barrier aborted");
        }
    }

    /* The last task out of a draining or resetting barrier opens it for the next cycle. */
    private void exit() {
        if (count == 0) {
            if (state == State.RESETTING || state == State.DRAINING) {
                state = State.FILLING;
            }
            cond.signalAll();
        }
    }

    /**
     * Returns the barrier to its empty, filling state; tasks waiting now get
     * {@link BrokenBarrierError}. Suspends briefly to take the barrier's lock.
     *
     * @throws CancelledError        if the task is cancelled while taking the lock
     * @throws IllegalStateException if called outside a task or from another loop
     */
    public void reset() {
        try (Permit held = cond.acquire()) {
            if (count > 0) {
                state = State.RESETTING;
            } else {
                state = State.FILLING;
            }
            cond.signalAll();
        }
    }

    /**
     * Breaks the barrier: tasks waiting now, and every later {@link #await()}, get
     * {@link BrokenBarrierError} until {@link #reset()}. Suspends briefly to take the barrier's lock.
     *
     * @throws CancelledError        if the task is cancelled while taking the lock
     * @throws IllegalStateException if called outside a task or from another loop
     */
    public void abort() {
        try (Permit held = cond.acquire()) {
            state = State.BROKEN;
            cond.signalAll();
        }
    }

    /**
     * Returns the number of tasks needed to trip the barrier.
     *
     * @return the parties
     */
    public int parties() {
        return parties;
    }

    /**
     * Returns how many tasks wait for the current cycle to fill; 0 while draining, resetting or broken.
     *
     * @return the waiting count
     */
    public int nWaiting() {
        return state == State.FILLING ? count : 0;
    }

    /**
     * Tells whether the barrier is broken.
     *
     * @return {@code true} after {@link #abort()} and until {@link #reset()}
     */
    public boolean isBroken() {
        return state == State.BROKEN;
    }

    /**
     * Returns a snapshot of the barrier's state.
     *
     * @return the statistics
     */
    public Statistics statistics() {
        return new Statistics(parties, nWaiting(), state);
    }

    @Override
    public String toString() {
        String extra = state.name().toLowerCase(java.util.Locale.ROOT);
        if (state != State.BROKEN) {
            extra += ", waiters:" + nWaiting() + "/" + parties;
        }
        return "<Barrier@" + Integer.toHexString(System.identityHashCode(this)) + " [" + extra + "]>";
    }
}
