package dev.asyncio4j;

import dev.asyncio4j.internal.QueueStorage;

/**
 * A {@link Queue} that returns the most recently added item first (a stack): asyncio's
 * {@code LifoQueue}.
 *
 * <pre>{@code
 * var stack = new LifoQueue<Integer>();
 * stack.putNowait(1);
 * stack.putNowait(2);
 * stack.get();          // 2
 * }</pre>
 *
 * <p>Everything but the order — capacity, {@code join}, {@code shutdown}, fairness of blocked
 * tasks, cancellation, loop binding — is as for {@link Queue}.
 *
 * @param <T> the item type
 */
public final class LifoQueue<T> extends Queue<T> {
    /** Creates an unbounded LIFO queue. */
    public LifoQueue() {
        this(0);
    }

    /**
     * Creates a LIFO queue of at most {@code maxsize} items.
     *
     * @param maxsize the capacity; zero or less for unbounded
     */
    public LifoQueue(int maxsize) {
        super(maxsize, QueueStorage.lifo());
    }

    @Override
    String kind() {
        return "LifoQueue";
    }
}
