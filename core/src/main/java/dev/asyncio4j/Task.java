package dev.asyncio4j;

import dev.asyncio4j.internal.Access;
import dev.asyncio4j.internal.DefaultEventLoop;
import dev.asyncio4j.internal.Fiber;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A coroutine running on an {@link EventLoop}, and the future of its result: asyncio's {@code Task}.
 *
 * <pre>{@code
 * Task<Integer> t = Asyncio.createTask(() -> {
 *     sleep(Duration.ofMillis(100));
 *     return 42;
 * }, "answer");
 * int v = await(t);            // 42
 * }</pre>
 *
 * <p><b>Scheduling.</b> Each task runs its coroutine on a virtual thread of its own, but the loop lets
 * exactly one of its tasks run at a time, and hands over only where the running task suspends (an
 * await, a sleep, a lock or queue wait). Code between two suspensions runs without interleaving, so
 * tasks of one loop share state without locks, as in asyncio. A task blocked in a plain JDK call
 * ({@code Thread.sleep}, a socket read) keeps the loop: nothing else of the loop runs until it returns.
 *
 * <p><b>Cancellation.</b> {@link #cancel(String)} asks the task to stop: the await it is suspended in
 * (or its next one) throws {@link CancelledError}, and the future it was awaiting is cancelled too.
 * The request count is visible through {@link #cancelling()} and can be withdrawn with
 * {@link #uncancel()} (asyncio 3.11 semantics). A task whose coroutine lets the {@code CancelledError}
 * escape ends cancelled.
 *
 * <p><b>Lifetime.</b> The loop holds a strong reference to every task until it is done, so a
 * fire-and-forget task is never lost mid-run. A task that failed and whose exception nobody retrieved
 * is reported through the loop's exception handler once, when it is garbage collected or at the
 * latest when the loop closes.
 *
 * <p>Loop-confined. A task cannot be completed from outside: {@link #setResult} and
 * {@link #setException} throw {@link UnsupportedOperationException}.
 *
 * @param <T> the result type
 */
public final class Task<T> extends Future<T> {
    private static final AtomicLong COUNTER = new AtomicLong();

    static {
        Access.setTasks(new Access.Tasks() {
            @Override
            public <R> Task<R> create(DefaultEventLoop loop, Coroutine<R> coro, String name) {
                return new Task<>(loop, coro, name);
            }

            @Override
            public Fiber fiber(Task<?> task) {
                return task.fiber;
            }

            @Override
            public Future<?> waiter(Task<?> task) {
                return task.waiter;
            }

            @Override
            public Throwable createdAt(Task<?> task) {
                return task.createdAt;
            }
        });
    }

    private final Coroutine<T> coro;
    private final Fiber fiber;
    private final long id;
    private String name;
    private Future<?> waiter;
    private boolean mustCancel;
    private String mustCancelMessage;
    private int cancelRequests;
    private final Throwable createdAt;

    Task(DefaultEventLoop loop, Coroutine<T> coro, String name) {
        super(loop);
        this.coro = Objects.requireNonNull(coro, "coro");
        this.name = name;
        this.id = COUNTER.incrementAndGet();
        this.fiber = new Fiber(loop, this, new Fiber.Body() {
            @Override
            public void run() {
                runCoroutine();
            }

            @Override
            public boolean cancelledBeforeStart() {
                return finishIfCancelledBeforeStart();
            }
        });
        this.createdAt = loop.getDebug() ? new Throwable("task created here") : null;
    }

    /**
     * Returns the task's name.
     *
     * @return the name given at creation, or {@code Task-N}
     */
    public String getName() {
        String n = name;
        if (n == null) {
            n = "Task-" + id;
            name = n;
        }
        return n;
    }

    /**
     * Renames the task; the name shows in reports and task dumps, and in debug mode as the name of its thread.
     *
     * @param name the new name
     */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        fiber.rename(name);
    }

    /**
     * Requests cancellation; see the class comment. On a task that already failed it only marks the
     * exception as handled (no "never retrieved" report), as asyncio does.
     *
     * @param message carried by the resulting {@link CancelledError}, or {@code null}
     * @return {@code false} if the task is already done, {@code true} otherwise
     * @throws IllegalStateException if called from a thread other than the one running the loop; the
     *                               task is then left unchanged
     */
    @Override
    public boolean cancel(String message) {
        loop.checkThread("cancel()");
        markRetrieved();
        if (isDone()) {
            return false;
        }
        cancelRequests++;
        if (waiter != null && waiter.cancel(message)) {
            return true;
        }
        mustCancel = true;
        mustCancelMessage = message;
        return true;
    }

    /**
     * Returns how many cancellation requests are pending: calls of {@link #cancel} minus calls of
     * {@link #uncancel()}.
     *
     * @return the pending request count
     */
    public int cancelling() {
        return cancelRequests;
    }

    /**
     * Withdraws one cancellation request, as timeouts and task groups do once they have handled the
     * cancellation they caused. When the count reaches zero a not yet delivered request is dropped.
     *
     * @return the remaining request count
     */
    public int uncancel() {
        if (cancelRequests > 0) {
            cancelRequests--;
            if (cancelRequests == 0) {
                mustCancel = false;
            }
        }
        return cancelRequests;
    }

    /**
     * Returns the stack of the task's coroutine where it is suspended, innermost frame first, without
     * the loop's own frames; empty if the task has not started or is done.
     *
     * @return the coroutine's stack
     */
    public List<StackTraceElement> getStack() {
        return fiber.coroutineStack();
    }

    /**
     * Always throws: a task's result comes from its coroutine.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void setResult(T value) {
        throw new UnsupportedOperationException("Task does not support setResult(): it completes when its coroutine returns");
    }

    /**
     * Always throws: a task's exception comes from its coroutine.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void setException(Throwable error) {
        throw new UnsupportedOperationException("Task does not support setException(): it fails when its coroutine throws");
    }

    @Override
    public String toString() {
        return reprGuarded(this, () -> {
            String text = stateText();
            int space = text.indexOf(' ');
            StringBuilder sb = new StringBuilder("<Task ");
            sb.append(space > 0 ? text.substring(0, space) : text).append(" name='").append(getName()).append('\'');
            if (waiter != null) {
                sb.append(" wait_for=").append(waiter);
            }
            if (space > 0) {
                sb.append(text.substring(space));
            }
            return sb.append('>').toString();
        });
    }

    @Override
    String kind() {
        return "Task";
    }

    // ---- engine side ----

    Future<?> awaitedFuture() {
        return waiter;
    }

    /** The task running the TaskGroup this task belongs to, if any (it awaits this task, for dumps). */
    Task<?> groupParent;

    /** Suspends the calling task until {@code f} is done, then returns its result (Python's {@code await f}). */
    <R> R await(Future<R> f) {
        if (f.loop != loop) {
            throw new IllegalStateException("Task '" + getName() + "' awaited " + f + ", which belongs to a different event loop;"
                    + " wrap cross-loop work with runCoroutineThreadsafe(...) and Future.from(...)");
        }
        if (f == this) {
            throw new IllegalStateException("Task cannot await on itself: " + this);
        }
        if (!f.isDone()) {
            loop.checkNotClosing();
            waiter = f;
            f.addCallback(fiber);
            if (mustCancel && f.cancel(mustCancelMessage)) {
                mustCancel = false;
            }
            try {
                loop.suspend(fiber);
            } finally {
                waiter = null;
            }
            if (!f.isDone()) {
                f.removeCallback(fiber);
            } else {
                // As CPython's Task.__wakeup, which calls future.result() before throwing a pending
                // cancellation in: the awaited future's exception counts as retrieved either way.
                f.markRetrieved();
            }
            deliverCancellation();
        }
        return f.result();
    }

    /** Lets every other ready callback and task run once, then resumes (Python's {@code await sleep(0)}). */
    void yieldNow() {
        loop.checkNotClosing();
        loop.enqueue(fiber);
        loop.suspend(fiber);
        deliverCancellation();
    }

    private void deliverCancellation() {
        loop.checkNotClosing();
        if (mustCancel) {
            mustCancel = false;
            throw new CancelledError(mustCancelMessage);
        }
    }

    private boolean finishIfCancelledBeforeStart() {
        if (!mustCancel) {
            return false;
        }
        mustCancel = false;
        cancelWith(new CancelledError(mustCancelMessage));
        loop.taskDone(this);
        return true;
    }

    private void runCoroutine() {
        if (finishIfCancelledBeforeStart()) {
            return;
        }
        T value;
        try {
            value = coro.call();
        } catch (CancelledError e) {
            mustCancel = false;
            cancelWith(e);
            loop.taskDone(this);
            return;
        } catch (Throwable e) {
            fail(e);
            loop.taskDone(this);
            return;
        }
        if (mustCancel) {
            mustCancel = false;
            cancelWith(new CancelledError(mustCancelMessage));
        } else {
            complete(value);
        }
        loop.taskDone(this);
    }
}
