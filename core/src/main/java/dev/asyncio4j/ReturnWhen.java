package dev.asyncio4j;

/**
 * When {@link Asyncio#wait} returns: asyncio's {@code FIRST_COMPLETED}, {@code FIRST_EXCEPTION} and
 * {@code ALL_COMPLETED}.
 *
 * <pre>{@code
 * var r = Asyncio.wait(tasks, null, ReturnWhen.FIRST_COMPLETED);
 * }</pre>
 */
public enum ReturnWhen {
    /** Return as soon as any future finishes or is cancelled. */
    FIRST_COMPLETED,
    /** Return when any future finishes with an exception, or when all are done. */
    FIRST_EXCEPTION,
    /** Return when all futures are done. */
    ALL_COMPLETED
}
