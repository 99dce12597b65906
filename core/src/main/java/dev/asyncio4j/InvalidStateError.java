package dev.asyncio4j;

/**
 * Thrown when a {@link Future} is used in a state that does not allow the operation: asyncio's
 * {@code InvalidStateError}, for example reading the result of a pending future or setting the result
 * of a finished one.
 *
 * <pre>{@code
 * Future<Integer> f = loop.createFuture();
 * f.setResult(1);
 * f.setResult(2);   // throws InvalidStateError: the future is already finished
 * }</pre>
 */
public final class InvalidStateError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message what was attempted and in which state
     */
    public InvalidStateError(String message) {
        super(message);
    }
}
