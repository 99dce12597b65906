package dev.asyncio4j;

/**
 * The exception an awaiting task sees when it, or the future it awaits, is cancelled: asyncio's
 * {@code CancelledError}.
 *
 * <pre>{@code
 * Task<String> t = createTask(() -> { sleep(Duration.ofHours(1)); return "never"; });
 * sleep(Duration.ZERO);           // let it start
 * t.cancel("shutting down");
 * try {
 *     await(t);
 * } catch (CancelledError e) {
 *     assert e.getMessage().equals("shutting down");
 * }
 * }</pre>
 *
 * <p><b>Why an {@link Error}.</b> asyncio made {@code CancelledError} a {@code BaseException} in
 * Python 3.8 so that the everyday {@code except Exception:} no longer swallowed cancellation (Trio's
 * {@code Cancelled} is a {@code BaseException} for the same reason). Java's equivalent of that
 * everyday handler is {@code catch (Exception e)}, so this type extends {@code Error}, as the JDK's
 * own thread-termination signal {@code ThreadDeath} did: generic handlers let it pass, {@code finally}
 * blocks run, and code that really means to intercept cancellation names it. A coroutine that
 * catches it should normally re-throw it; swallowing it is how a task refuses cancellation.
 */
public final class CancelledError extends Error {
    private static final long serialVersionUID = 1L;

    /** Creates a cancellation with no message. */
    public CancelledError() {
        super();
    }

    /**
     * Creates a cancellation carrying the message given to {@code cancel(msg)}.
     *
     * @param message the cancellation message, or {@code null}
     */
    public CancelledError(String message) {
        super(message);
    }

    /**
     * Creates a cancellation with a message and the cancellation it was derived from.
     *
     * @param message the cancellation message, or {@code null}
     * @param cause   the earlier cancellation, or {@code null}
     */
    public CancelledError(String message, Throwable cause) {
        super(message, cause);
    }
}
