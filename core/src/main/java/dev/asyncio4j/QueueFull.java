package dev.asyncio4j;

/**
 * Thrown by {@link Queue#putNowait} when the queue holds {@code maxsize} items: asyncio's
 * {@code QueueFull}.
 *
 * <pre>{@code
 * try {
 *     queue.putNowait(job);
 * } catch (QueueFull e) {
 *     dropped++;                     // shed load instead of waiting
 * }
 * }</pre>
 *
 * <p><b>Why an {@link IllegalStateException}.</b> That is the JDK's exception for exactly this
 * meaning: {@link java.util.Queue#add} throws {@code IllegalStateException} "if the element cannot be
 * added at this time due to capacity restrictions". It is unchecked, as a full queue is a normal
 * state that the caller could have tested with {@link Queue#isFull()}.
 */
public final class QueueFull extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The capacity of the queue that was full. */
    private final int maxsize;

    /**
     * Creates the exception.
     *
     * @param maxsize the queue's capacity, kept in {@link #maxsize()}
     */
    public QueueFull(int maxsize) {
        super("the queue is full (maxsize=" + maxsize + ")");
        this.maxsize = maxsize;
    }

    /**
     * Returns the capacity of the queue that was full.
     *
     * @return the queue's maxsize
     */
    public int maxsize() {
        return maxsize;
    }
}
