package dev.asyncio4j.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The item store behind a queue: asyncio's overridable {@code _init}/{@code _put}/{@code _get}
 * trio, as a strategy object (FIFO, LIFO or priority order).
 *
 * @param <T> the item type
 */
public abstract class QueueStorage<T> {
    private QueueStorage() {
    }

    /**
     * Adds an item.
     *
     * @param item the item, not {@code null}
     */
    public abstract void put(T item);

    /**
     * Removes and returns the next item; the caller checks {@link #size()} first.
     *
     * @return the next item in this storage's order
     */
    public abstract T get();

    /**
     * Returns the number of items.
     *
     * @return the size
     */
    public abstract int size();

    /**
     * Returns the items in the order {@link #get()} would return them, for {@code toString}.
     *
     * @return a snapshot
     */
    public abstract List<T> snapshot();

    /**
     * First in, first out.
     *
     * @param <T> the item type
     * @return a new storage
     */
    public static <T> QueueStorage<T> fifo() {
        return new Fifo<>();
    }

    /**
     * Last in, first out.
     *
     * @param <T> the item type
     * @return a new storage
     */
    public static <T> QueueStorage<T> lifo() {
        return new Lifo<>();
    }

    /**
     * Smallest first by {@code comparator}; equal items in insertion order.
     *
     * @param <T>        the item type
     * @param comparator the order, or {@code null} for the items' natural order
     * @return a new storage
     */
    public static <T> QueueStorage<T> priority(Comparator<? super T> comparator) {
        return new Priority<>(comparator);
    }

    /* FIFO on an array deque. */
    private static final class Fifo<T> extends QueueStorage<T> {
        private final ArrayDeque<T> items = new ArrayDeque<>();

        @Override
        public void put(T item) {
            items.addLast(item);
        }

        @Override
        public T get() {
            return items.pollFirst();
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public List<T> snapshot() {
            return new ArrayList<>(items);
        }
    }

    /* LIFO on an array deque used as a stack. */
    private static final class Lifo<T> extends QueueStorage<T> {
        private final ArrayDeque<T> items = new ArrayDeque<>();

        @Override
        public void put(T item) {
            items.addLast(item);
        }

        @Override
        public T get() {
            return items.pollLast();
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public List<T> snapshot() {
            List<T> out = new ArrayList<>(items);
            java.util.Collections.reverse(out);
            return out;
        }
    }

    /*
     * A binary heap ordered by the comparator, ties broken by an insertion sequence number, so equal
     * items leave in FIFO order (heapq is not stable; Python code adds a counter to its tuples for
     * the same reason).
     */
    private static final class Priority<T> extends QueueStorage<T> {
        private record Entry<T>(T item, long seq) {
        }

        private final java.util.PriorityQueue<Entry<T>> heap;
        private final boolean natural;
        private long seq;

        @SuppressWarnings("unchecked")
        Priority(Comparator<? super T> comparator) {
            Comparator<? super T> order = comparator != null ? comparator
                    : (a, b) -> ((Comparable<Object>) a).compareTo(b);
            Comparator<Entry<T>> byItem = (x, y) -> order.compare(x.item(), y.item());
            this.heap = new java.util.PriorityQueue<>(byItem.thenComparingLong(Entry::seq));
            this.natural = comparator == null;
        }

        @Override
        public void put(T item) {
            Objects.requireNonNull(item, "item");
            if (natural && !(item instanceof Comparable)) {
                throw new ClassCastException(item.getClass().getName() + " is not Comparable:"
                        + " give the PriorityQueue a Comparator");
            }
            Entry<T> e = new Entry<>(item, seq++);
            if (heap.isEmpty()) {
                heap.add(e);
                return;
            }
            // Compare against an existing item first, so that an item of the wrong type fails here,
            // before the heap holds it (java.util.PriorityQueue would leave it half-inserted).
            heap.comparator().compare(e, heap.peek());
            heap.add(e);
        }

        @Override
        public T get() {
            Entry<T> e = heap.poll();
            return e == null ? null : e.item();
        }

        @Override
        public int size() {
            return heap.size();
        }

        @Override
        public List<T> snapshot() {
            List<Entry<T>> entries = new ArrayList<>(heap);
            entries.sort(heap.comparator());
            List<T> out = new ArrayList<>(entries.size());
            for (Entry<T> e : entries) {
                out.add(e.item());
            }
            return out;
        }
    }
}
