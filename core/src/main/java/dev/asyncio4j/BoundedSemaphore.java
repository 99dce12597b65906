package dev.asyncio4j;

/**
 * A {@link Semaphore} that refuses to be released more often than it was acquired: asyncio's
 * {@code BoundedSemaphore}.
 *
 * <pre>{@code
 * var pool = new BoundedSemaphore(2);
 * try (var p = pool.acquire()) {
 *     use(connection);
 * }
 * pool.release();             // throws IllegalStateException: released too many times
 * }</pre>
 *
 * <p>Everything else — FIFO fairness, cancellation, loop binding — is as for {@link Semaphore}.
 * asyncio raises {@code ValueError} for the extra release; here it is an
 * {@link IllegalStateException}, because the call is wrong for the semaphore's state, not for an
 * argument.
 */
public final class BoundedSemaphore extends Semaphore {
    private final int bound;

    /** Creates a bounded semaphore with one permit. */
    public BoundedSemaphore() {
        this(1);
    }

    /**
     * Creates a bounded semaphore with {@code value} permits, which is also its bound.
     *
     * @param value the initial and maximal number of free permits
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public BoundedSemaphore(int value) {
        super(value);
        this.bound = value;
    }

    /**
     * Gives a permit back, as {@link Semaphore#release()}.
     *
     * @throws IllegalStateException if every permit is already free (asyncio's {@code ValueError}),
     *                               or if called from another loop
     */
    @Override
    public void release() {
        if (value() >= bound) {
            throw new IllegalStateException("BoundedSemaphore released too many times");
        }
        super.release();
    }

    /**
     * Returns the bound: the initial number of permits.
     *
     * @return the bound
     */
    public int bound() {
        return bound;
    }
}
