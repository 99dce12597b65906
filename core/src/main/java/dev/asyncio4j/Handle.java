package dev.asyncio4j;

/**
 * A callback scheduled on an {@link EventLoop} by {@code callSoon}: asyncio's {@code Handle}.
 *
 * <pre>{@code
 * Handle h = loop.callSoon(() -> System.out.println("tick"));
 * h.cancel();       // it will not run
 * }</pre>
 *
 * <p>Loop-confined: cancel it from code running on its loop.
 */
public interface Handle {
    /** Prevents the callback from running if it has not run yet; does nothing otherwise. */
    void cancel();

    /**
     * Tells whether {@link #cancel()} was called.
     *
     * @return {@code true} once cancelled
     */
    boolean isCancelled();
}
