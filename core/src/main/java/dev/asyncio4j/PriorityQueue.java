package dev.asyncio4j;

import dev.asyncio4j.internal.QueueStorage;
import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link Queue} that returns its smallest item first: asyncio's {@code PriorityQueue}.
 *
 * <pre>{@code
 * record Job(int priority, String name) {}
 * var jobs = new PriorityQueue<Job>(Comparator.comparingInt(Job::priority));
 * jobs.putNowait(new Job(5, "backup"));
 * jobs.putNowait(new Job(1, "page the on-call"));
 * jobs.get();                                    // Job[priority=1, name=page the on-call]
 * }</pre>
 *
 * <p>Items are ordered by the comparator given at creation, or by their natural order
 * ({@link Comparable}). Unlike Python's {@code heapq}, the order is stable: items that compare equal
 * come out in the order they were put, so no tie-breaking counter is needed. Everything else —
 * capacity, {@code join}, {@code shutdown}, fairness, cancellation, loop binding — is as for
 * {@link Queue}.
 *
 * @param <T> the item type
 */
public final class PriorityQueue<T> extends Queue<T> {
    /**
     * Creates an unbounded queue ordered by the items' natural order.
     *
     * @throws ClassCastException later, from {@code put}, for an item that is not {@link Comparable}
     */
    public PriorityQueue() {
        this(0);
    }

    /**
     * Creates a queue of at most {@code maxsize} items, ordered by the items' natural order.
     *
     * @param maxsize the capacity; zero or less for unbounded
     */
    public PriorityQueue(int maxsize) {
        super(maxsize, QueueStorage.priority(null));
    }

    /**
     * Creates an unbounded queue ordered by {@code comparator}.
     *
     * @param comparator the order, smallest first
     */
    public PriorityQueue(Comparator<? super T> comparator) {
        this(0, comparator);
    }

    /**
     * Creates a queue of at most {@code maxsize} items, ordered by {@code comparator}.
     *
     * @param maxsize    the capacity; zero or less for unbounded
     * @param comparator the order, smallest first
     */
    public PriorityQueue(int maxsize, Comparator<? super T> comparator) {
        super(maxsize, QueueStorage.priority(Objects.requireNonNull(comparator, "comparator")));
    }

    @Override
    String kind() {
        return "PriorityQueue";
    }
}
