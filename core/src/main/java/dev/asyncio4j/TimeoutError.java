package dev.asyncio4j;

/**
 * The exception raised when an operation exceeds its deadline: asyncio's {@code TimeoutError}, thrown
 * by {@link Asyncio#waitFor}, {@link Asyncio#timeout} scopes and {@code asCompleted} with a timeout.
 *
 * <pre>{@code
 * try {
 *     Asyncio.timeout(Duration.ofMillis(10), scope -> { sleep(Duration.ofSeconds(10)); return null; });
 * } catch (TimeoutError e) {
 *     // e.getCause() is the CancelledError the scope turned into this timeout
 * }
 * }</pre>
 *
 * <p>Unlike {@link CancelledError} it is an ordinary (unchecked) exception: a timeout is a failure of
 * the operation that callers may handle like any other, as in Python where it is an {@code OSError}.
 */
public final class TimeoutError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates a timeout with no message. */
    public TimeoutError() {
        super();
    }

    /**
     * Creates a timeout with a message.
     *
     * @param message what timed out
     */
    public TimeoutError(String message) {
        super(message);
    }

    /**
     * Creates a timeout with a message and the cancellation it replaced.
     *
     * @param message what timed out
     * @param cause   the cancellation that the deadline caused, or {@code null}
     */
    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
