package dev.asyncio4j.internal;

import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;

/*
 * Implementation overview.
 *
 * The one wait-queue primitive under Lock, Event, Condition, Semaphore, Barrier and Queue (Trio's
 * ParkingLot, the JDK's AQS wait queue). A waiter is a future of the bound loop, linked into an
 * intrusive FIFO list so that unlinking is O(1) wherever the waiter sits. The primitive's task awaits
 * the waiter; whoever wakes it completes the future, which schedules the task, as in asyncio.
 *
 * Every queued waiter is in one of three states, counted without scanning the list:
 *   pending   - its future is not done: it still waits for its turn;
 *   woken     - its future has a result: it has been given its turn but has not run yet;
 *   cancelled - its future was cancelled (its task was cancelled while queued).
 * Waking never picks a cancelled (or already woken) waiter. A cancelled waiter stays queued until its
 * task runs and unlinks it; the primitive then passes the turn on if it had been given one, which is
 * how a cancellation "gives its turn to the next waiter" (CPython's _wake_up_first/_wake_up_next
 * dance, bpo-27585, bpo-32734, bpo-45997, gh-90155).
 *
 * Loop binding (LoopBinding) may be shared by the several wait queues of one primitive.
 *
 * Each queue has a constant label, the call its waiters are suspended in ("Lock.acquire",
 * "Queue.get"), which task dumps show as what the waiting task awaits.
 */

/** A FIFO queue of waiting tasks, bound to one event loop on first use. */
public final class WaitQueue {
    private final Object owner;
    private final LoopBinding binding;
    private final String label;
    private Waiter head;
    private Waiter tail;
    private int size;
    private int pending;
    private int cancelled;

    /**
     * Creates an empty queue with a binding of its own.
     *
     * @param owner the primitive the queue belongs to, named in error messages and waiter descriptions
     * @param label what a waiting task is suspended in, for task dumps: e.g. {@code "Lock.acquire"}
     */
    public WaitQueue(Object owner, String label) {
        this(owner, new LoopBinding(owner), label);
    }

    /**
     * Creates an empty queue that shares {@code binding} with the primitive's other wait queues (a
     * queue's getters, putters and joiners belong to one loop).
     *
     * @param owner   the primitive the queue belongs to
     * @param binding the primitive's binding
     * @param label   what a waiting task is suspended in, for task dumps: e.g. {@code "Queue.get"}
     */
    public WaitQueue(Object owner, LoopBinding binding, String label) {
        this.owner = owner;
        this.binding = binding;
        this.label = label;
    }

    /**
     * Returns the binding this queue uses.
     *
     * @return the binding
     */
    public LoopBinding binding() {
        return binding;
    }

    /**
     * Binds to {@code running} or checks the binding; see {@link LoopBinding#bind}.
     *
     * @param running the loop of the calling task
     * @throws IllegalStateException if bound to another loop
     */
    public void bind(EventLoop running) {
        binding.bind(running);
    }

    /**
     * Checks a non-suspending state change; see {@link LoopBinding#check()}.
     *
     * @throws IllegalStateException if bound to another loop, or bound and called outside any loop
     */
    public void checkLoop() {
        binding.check();
    }

    // ---------------------------------------------------------------- queueing

    /**
     * Appends a new pending waiter; the caller awaits it and must {@link #remove} it afterwards.
     *
     * @return the waiter, a future of the bound loop
     * @throws IllegalStateException if the queue is not bound yet
     */
    public Waiter enqueue() {
        DefaultEventLoop l = binding.loop();
        if (l == null) {
            throw new IllegalStateException(owner + ": enqueue() before the queue was bound to a loop");
        }
        Waiter w = new Waiter(l);
        Access.futures().setLabel(w, label);
        w.prev = tail;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        w.queued = true;
        size++;
        pending++;
        return w;
    }

    /**
     * Unlinks {@code w} if it is still queued; does nothing otherwise.
     *
     * @param w a waiter of this queue
     */
    public void remove(Waiter w) {
        if (!w.queued) {
            return;
        }
        w.queued = false;
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = null;
        size--;
        if (!w.isDone()) {
            pending--;
        } else if (w.isCancelled()) {
            cancelled--;
        }
    }

    // ---------------------------------------------------------------- waking

    /**
     * Wakes the waiter at the head if it is pending (CPython's {@code Lock._wake_up_first}): a head
     * that is cancelled or already woken means its task will run soon and settle the turn itself.
     *
     * @return {@code true} if a waiter was woken
     */
    public boolean wakeFirst() {
        Waiter w = head;
        if (w == null || w.isDone()) {
            return false;
        }
        wake(w, Boolean.TRUE);
        return true;
    }

    /**
     * Wakes the first pending waiter, skipping cancelled and already woken ones.
     *
     * @return {@code true} if a waiter was woken
     */
    public boolean wakeNext() {
        return wake(1, Boolean.TRUE) == 1;
    }

    /**
     * Wakes up to {@code n} pending waiters in FIFO order, giving each {@code value} as its result.
     *
     * @param n     the most waiters to wake
     * @param value the result of the woken waiters' futures
     * @return how many were woken
     */
    public int wake(int n, Object value) {
        int woken = 0;
        for (Waiter w = head; w != null && woken < n && pending > 0; w = w.next) {
            if (!w.isDone()) {
                wake(w, value);
                woken++;
            }
        }
        return woken;
    }

    /**
     * Wakes every pending waiter in FIFO order.
     *
     * @return how many were woken
     */
    public int wakeAll() {
        return wake(Integer.MAX_VALUE, Boolean.TRUE);
    }

    /**
     * Unlinks waiters from the head until one is pending, and wakes that one (CPython's
     * {@code Queue._wakeup_next}: the queue's waiters leave the list when woken).
     *
     * @return {@code true} if a waiter was woken
     */
    public boolean popAndWakeNext() {
        Waiter w;
        while ((w = head) != null) {
            boolean wasPending = !w.isDone();
            remove(w);
            if (wasPending) {
                w.setResult(null);
                return true;
            }
        }
        return false;
    }

    /**
     * Unlinks every waiter and wakes those that are pending.
     *
     * @return how many were woken
     */
    public int popAndWakeAll() {
        int woken = 0;
        while (popAndWakeNext()) {
            woken++;
        }
        return woken;
    }

    private void wake(Waiter w, Object value) {
        w.setResult(value);
        pending--;
    }

    // ---------------------------------------------------------------- counts

    /**
     * Returns how many waiters are queued, whatever their state (asyncio's {@code len(_waiters)}).
     *
     * @return the queue length
     */
    public int size() {
        return size;
    }

    /**
     * Returns how many queued waiters are still waiting for their turn.
     *
     * @return the pending count
     */
    public int pendingCount() {
        return pending;
    }

    /**
     * Tells whether every queued waiter (if any) was cancelled, so that nobody is owed a turn.
     *
     * @return {@code true} if the queue holds only cancelled waiters, or none
     */
    public boolean allCancelled() {
        return size == cancelled;
    }

    @Override
    public String toString() {
        return "<WaitQueue of " + owner + " size=" + size + " pending=" + pending + " cancelled=" + cancelled + ">";
    }

    /** One waiting task's place in the queue: a future that is completed to wake it. */
    public final class Waiter extends Future<Object> {
        Waiter prev;
        Waiter next;
        boolean queued;

        Waiter(DefaultEventLoop loop) {
            super(loop);
        }

        /**
         * Cancels the waiter; a queued waiter counts as cancelled from now on, so it is never woken.
         *
         * @param message the cancellation message
         * @return {@code true} if the waiter was pending
         */
        @Override
        public boolean cancel(String message) {
            boolean wasPending = super.cancel(message);
            if (wasPending && queued) {
                pending--;
                cancelled++;
            }
            return wasPending;
        }

        @Override
        public String toString() {
            return "<waiter of " + owner + " " + (isCancelled() ? "cancelled" : isDone() ? "woken" : "pending") + ">";
        }
    }
}
