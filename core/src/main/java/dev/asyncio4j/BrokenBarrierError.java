package dev.asyncio4j;

/**
 * Thrown by {@link Barrier#await()} when the barrier is broken ({@link Barrier#abort()}) or reset
 * while the task waits: asyncio's {@code BrokenBarrierError}.
 *
 * <pre>{@code
 * try {
 *     int index = barrier.await();
 * } catch (BrokenBarrierError e) {
 *     // another task called barrier.abort() or barrier.reset()
 * }
 * }</pre>
 *
 * <p><b>Why an {@link IllegalStateException}.</b> asyncio derives it from {@code RuntimeError}, which
 * asyncio4j maps to {@code IllegalStateException} throughout (releasing an unheld lock, waiting on an
 * unheld condition): the barrier's state does not let the wait complete. Unlike the JDK's checked
 * {@link java.util.concurrent.BrokenBarrierException}, it is unchecked, like every exception an
 * asyncio4j await throws on its own account.
 */
public final class BrokenBarrierError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message why the barrier is broken
     */
    public BrokenBarrierError(String message) {
        super(message);
    }
}
