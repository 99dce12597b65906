package dev.asyncio4j;

/**
 * A hold on a {@link Lock}, {@link Semaphore} or {@link Condition}, given back by {@link #close()}:
 * what Python's {@code async with lock:} releases on exit.
 *
 * <pre>{@code
 * var sem = new Semaphore(3);
 * try (var permit = sem.acquire()) {      // suspends while three holders are inside
 *     return download(url);
 * }                                       // released here, also on failure or cancellation
 * }</pre>
 *
 * <p>{@code close()} releases the primitive exactly once: a second call does nothing. A permit
 * belongs to the acquire call that returned it, not to a task; do not mix {@code close()} with a
 * manual {@code release()} for the same acquisition, or the primitive is released twice.
 *
 * <p>Loop-confined, like the primitive it came from.
 */
@FunctionalInterface
public interface Permit extends AutoCloseable {
    /**
     * Releases the primitive unless this permit has already done so.
     *
     * @throws IllegalStateException if the primitive refuses the release, for example when it is
     *                               called from another loop
     */
    @Override
    void close();
}
