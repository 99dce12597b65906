package dev.asyncio4j;

import java.util.NoSuchElementException;

/**
 * Thrown by {@link Queue#getNowait()} when the queue has no item: asyncio's {@code QueueEmpty}.
 *
 * <pre>{@code
 * try {
 *     var job = queue.getNowait();
 * } catch (QueueEmpty e) {
 *     // nothing to do right now
 * }
 * }</pre>
 *
 * <p><b>Why a {@link NoSuchElementException}.</b> That is the JDK's exception for exactly this
 * meaning — {@link java.util.Queue#remove()}, {@link java.util.Deque#removeFirst()} and
 * {@link java.util.Iterator#next()} throw it when there is no element — so code that already handles
 * an empty JDK queue handles this one too. It is unchecked, as an empty queue is a normal state
 * that the caller could have tested with {@link Queue#isEmpty()}.
 */
public final class QueueEmpty extends NoSuchElementException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public QueueEmpty() {
        super("the queue is empty");
    }
}
