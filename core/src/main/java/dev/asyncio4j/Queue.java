package dev.asyncio4j;

import dev.asyncio4j.internal.LoopBinding;
import dev.asyncio4j.internal.QueueStorage;
import dev.asyncio4j.internal.WaitQueue;
import java.util.Objects;

/**
 * A first-in, first-out queue for passing items between the tasks of one event loop: asyncio's
 * {@code Queue} (Python 3.13, with {@code shutdown}).
 *
 * <pre>{@code
 * var queue = new Queue<String>(100);            // put() suspends while 100 items wait
 * createTask(() -> {                             // consumer
 *     while (true) {
 *         String url = queue.get();              // suspends while empty
 *         fetch(url);
 *         queue.taskDone();
 *     }
 * });
 * for (String url : urls) queue.put(url);
 * queue.join();                                  // every item fetched
 * }</pre>
 *
 * <p><b>Capacity.</b> A {@code maxsize} of zero or less means unbounded. {@link #put} suspends while
 * the queue is full and {@link #get} while it is empty; {@link #putNowait} and {@link #getNowait}
 * never suspend and throw {@link QueueFull} and {@link QueueEmpty} instead. Because tasks switch only
 * at awaits, {@link #qsize()} is exact until the caller's next await. Items may not be {@code null}.
 *
 * <p><b>Work tracking.</b> Every item put counts as an unfinished task until a consumer calls
 * {@link #taskDone()} for it; {@link #join()} waits until the count is zero.
 *
 * <p><b>Shutdown.</b> After {@link #shutdown()}, puts throw {@link QueueShutDown}, and gets throw it
 * once the queue is empty; tasks blocked in {@code put} or {@code get} wake up and throw it.
 * {@link #shutdown(boolean) shutdown(true)} also discards the remaining items, marking each as done
 * (which may release {@code join()}), so gets throw at once.
 *
 * <p><b>Fairness and cancellation.</b> Blocked getters and putters are served in FIFO order. A
 * getter cancelled after an item was announced to it passes the wake-up to the next getter, so no
 * item is stranded; likewise for putters and free slots. A cancelled {@code put} never adds its item
 * and a cancelled {@code get} never removes one, so items put = items got + items left.
 *
 * <p><b>Threads.</b> Loop-confined. The queue binds to the loop that first uses it; any use from
 * another loop, or from a thread that runs no loop once bound, throws {@link IllegalStateException}.
 * Before it is bound it may be filled from any single thread (say, before {@link Asyncio#run}).
 * Memory effects of a task before it puts an item happen-before those of the task that gets it.
 *
 * @param <T> the item type
 */
public sealed class Queue<T> permits PriorityQueue, LifoQueue {
    /**
     * A snapshot of a queue's state, for debugging and task dumps.
     *
     * @param size       the number of items in the queue
     * @param maxsize    the capacity, zero or less for unbounded
     * @param getters    how many tasks are queued in {@link #get()}
     * @param putters    how many tasks are queued in {@link #put}
     * @param unfinished items put and not yet marked done with {@link #taskDone()}
     * @param shutDown   whether {@link #shutdown(boolean)} was called
     */
    public record Statistics(int size, int maxsize, int getters, int putters, int unfinished, boolean shutDown) {
    }

    private final int maxsize;
    private final QueueStorage<T> items;
    private final WaitQueue getters;
    private final WaitQueue putters;
    private final WaitQueue joiners;
    private int unfinished;
    private boolean shutDown;

    /** Creates an unbounded queue; it binds to a loop on first use. */
    public Queue() {
        this(0);
    }

    /**
     * Creates a queue that holds at most {@code maxsize} items.
     *
     * @param maxsize the capacity; zero or less for unbounded
     */
    public Queue(int maxsize) {
        this(maxsize, QueueStorage.fifo());
    }

    Queue(int maxsize, QueueStorage<T> items) {
        this.maxsize = maxsize;
        this.items = items;
        LoopBinding binding = new LoopBinding(this);
        this.getters = new WaitQueue(this, binding, "Queue.get");
        this.putters = new WaitQueue(this, binding, "Queue.put");
        this.joiners = new WaitQueue(this, binding, "Queue.join");
    }

    /**
     * Returns the number of items in the queue.
     *
     * @return the size
     */
    public int qsize() {
        return items.size();
    }

    /**
     * Returns the capacity given at creation.
     *
     * @return the maxsize; zero or less means unbounded
     */
    public int maxsize() {
        return maxsize;
    }

    /**
     * Tells whether the queue holds no item.
     *
     * @return {@code true} if empty
     */
    public boolean isEmpty() {
        return items.size() == 0;
    }

    /**
     * Tells whether the queue holds {@code maxsize} items; never true for an unbounded queue.
     *
     * @return {@code true} if full
     */
    public boolean isFull() {
        return maxsize > 0 && items.size() >= maxsize;
    }

    /**
     * Adds an item, suspending the current task while the queue is full.
     *
     * @param item the item
     * @throws QueueShutDown         if the queue is shut down, before or while waiting
     * @throws CancelledError        if the task is cancelled while waiting; the item is not added
     * @throws NullPointerException  if {@code item} is {@code null}
     * @throws IllegalStateException if called outside a task or from another loop
     */
    public void put(T item) {
        Objects.requireNonNull(item, "item");
        Task<?> task = Combinators.currentTask("Queue.put()");
        putters.bind(task.loop);
        while (isFull()) {
            if (shutDown) {
                throw new QueueShutDown();
            }
            WaitQueue.Waiter putter = putters.enqueue();
            try {
                task.await(putter);
            } catch (Throwable e) {
                putter.cancel();
                putters.remove(putter);
                if (!isFull() && !putter.isCancelled()) {
                    // A getter made room for us, but we leave: hand the slot to the next putter.
                    putters.popAndWakeNext();
                }
                throw e;
            }
        }
        putNowait(item);
    }

    /**
     * Adds an item if there is room, without suspending.
     *
     * @param item the item
     * @throws QueueFull             if the queue is full
     * @throws QueueShutDown         if the queue is shut down
     * @throws NullPointerException  if {@code item} is {@code null}
     * @throws IllegalStateException if called from another loop than the queue's
     */
    public void putNowait(T item) {
        Objects.requireNonNull(item, "item");
        putters.checkLoop();
        if (shutDown) {
            throw new QueueShutDown();
        }
        if (isFull()) {
            throw new QueueFull(maxsize);
        }
        items.put(item);
        unfinished++;
        getters.popAndWakeNext();
    }

    /**
     * Removes and returns the next item, suspending the current task while the queue is empty.
     *
     * @return the item
     * @throws QueueShutDown         if the queue is shut down and empty, or was shut down immediately
     * @throws CancelledError        if the task is cancelled while waiting; no item is removed
     * @throws IllegalStateException if called outside a task or from another loop
     */
    public T get() {
        Task<?> task = Combinators.currentTask("Queue.get()");
        getters.bind(task.loop);
        while (isEmpty()) {
            if (shutDown) {
                throw new QueueShutDown();
            }
            WaitQueue.Waiter getter = getters.enqueue();
            try {
                task.await(getter);
            } catch (Throwable e) {
                getter.cancel();
                getters.remove(getter);
                if (!isEmpty() && !getter.isCancelled()) {
                    // A putter announced an item to us, but we leave: hand it to the next getter.
                    getters.popAndWakeNext();
                }
                throw e;
            }
        }
        return getNowait();
    }

    /**
     * Removes and returns the next item if there is one, without suspending.
     *
     * @return the item
     * @throws QueueEmpty            if the queue is empty
     * @throws QueueShutDown         if the queue is empty and shut down
     * @throws IllegalStateException if called from another loop than the queue's
     */
    public T getNowait() {
        getters.checkLoop();
        if (isEmpty()) {
            if (shutDown) {
                throw new QueueShutDown();
            }
            throw new QueueEmpty();
        }
        T item = items.get();
        putters.popAndWakeNext();
        return item;
    }

    /**
     * Marks one item got from the queue as processed; when every item put has been marked,
     * {@link #join()} returns.
     *
     * @throws IllegalStateException if called more often than items were put (asyncio's
     *                               {@code ValueError}), or from another loop
     */
    public void taskDone() {
        joiners.checkLoop();
        if (unfinished <= 0) {
            throw new IllegalStateException("taskDone() called too many times");
        }
        unfinished--;
        if (unfinished == 0) {
            joiners.wakeAll();
        }
    }

    /**
     * Suspends the current task until every item put has been marked with {@link #taskDone()};
     * returns at once if none is unfinished.
     *
     * @throws CancelledError        if the task is cancelled while waiting
     * @throws IllegalStateException if called outside a task or from another loop
     */
    public void join() {
        Task<?> task = Combinators.currentTask("Queue.join()");
        joiners.bind(task.loop);
        if (unfinished == 0) {
            return;
        }
        WaitQueue.Waiter w = joiners.enqueue();
        try {
            task.await(w);
        } finally {
            joiners.remove(w);
        }
    }

    /** Shuts the queue down, letting consumers take the remaining items: {@code shutdown(false)}. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down: puts throw {@link QueueShutDown} from now on, and gets throw it once the
     * queue is empty. Tasks blocked in {@code put} or {@code get} wake up and re-check. With
     * {@code immediate}, the remaining items are discarded and each is marked done, so gets throw at
     * once and {@link #join()} returns if nothing else is unfinished. Calling it again is allowed.
     *
     * @param immediate whether to discard the remaining items
     * @throws IllegalStateException if called from another loop than the queue's
     */
    public void shutdown(boolean immediate) {
        getters.checkLoop();
        shutDown = true;
        if (immediate) {
            while (!isEmpty()) {
                items.get();
                if (unfinished > 0) {
                    unfinished--;
                }
            }
            if (unfinished == 0) {
                joiners.wakeAll();
            }
        }
        getters.popAndWakeAll();
        putters.popAndWakeAll();
    }

    /**
     * Returns a snapshot of the queue's state.
     *
     * @return the statistics
     */
    public Statistics statistics() {
        return new Statistics(items.size(), maxsize, getters.size(), putters.size(), unfinished, shutDown);
    }

    String kind() {
        return "Queue";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<").append(kind()).append('@')
                .append(Integer.toHexString(System.identityHashCode(this)))
                .append(" maxsize=").append(maxsize);
        if (items.size() > 0) {
            sb.append(" queue=").append(items.snapshot());
        }
        if (getters.size() > 0) {
            sb.append(" getters[").append(getters.size()).append(']');
        }
        if (putters.size() > 0) {
            sb.append(" putters[").append(putters.size()).append(']');
        }
        if (unfinished > 0) {
            sb.append(" tasks=").append(unfinished);
        }
        if (shutDown) {
            sb.append(" shutdown");
        }
        return sb.append('>').toString();
    }
}
