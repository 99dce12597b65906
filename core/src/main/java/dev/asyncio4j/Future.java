package dev.asyncio4j;

import dev.asyncio4j.internal.Access;
import dev.asyncio4j.internal.BridgeFuture;
import dev.asyncio4j.internal.DefaultEventLoop;
import dev.asyncio4j.internal.Sneaky;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The eventual result of an asynchronous operation, bound to one {@link EventLoop}: asyncio's
 * {@code Future}.
 *
 * <pre>{@code
 * Future<String> f = loop.createFuture();
 * loop.callLater(Duration.ofMillis(50), () -> f.setResult("ready"));
 * String s = await(f);                       // inside a task: suspends until set
 * f.addDoneCallback(done -> log(done.result()));
 * }</pre>
 *
 * <p><b>States.</b> A future starts pending and ends exactly once: with a result, with an exception,
 * or cancelled. {@link #result()} and {@link #exception()} throw {@link InvalidStateError} while it is
 * pending and {@link CancelledError} once it is cancelled; the setters throw {@link InvalidStateError}
 * once it is done.
 *
 * <p><b>Callbacks.</b> Done callbacks are never run inline: completing a future schedules each of them
 * with {@code callSoon}, in registration order. A callback added to a done future is scheduled at once.
 *
 * <p><b>Threads.</b> Loop-confined, like the loop. To complete a future from another thread, use
 * {@code loop.callSoonThreadsafe(() -> f.setResult(v))}, or bridge with {@link #from(CompletionStage)}
 * and {@link #toCompletableFuture()}, which are safe from any thread.
 *
 * <p><b>Exceptions.</b> {@link #result()} rethrows the stored exception unchanged, checked or not, as
 * Python does; a method that awaits a future failing with a checked exception may declare it.
 *
 * @param <T> the result type
 */
public class Future<T> {
    static {
        Access.setFutures(Future::setLabel);
    }

    private static final int PENDING = 0;
    private static final int CANCELLED = 1;
    private static final int FINISHED = 2;

    final DefaultEventLoop loop;
    private int state = PENDING;
    private T result;
    private Throwable exception;
    private String cancelMessage;
    private CancelledError cancelledError;
    private Object callbacks;
    private Object unretrieved;
    private Object label;

    /**
     * Creates a pending future bound to {@code loop}; prefer {@link EventLoop#createFuture()}.
     *
     * @param loop the loop whose callbacks complete this future
     */
    protected Future(EventLoop loop) {
        this.loop = (DefaultEventLoop) Objects.requireNonNull(loop, "loop");
    }

    /**
     * Returns the loop this future is bound to.
     *
     * @return the loop
     */
    public final EventLoop getLoop() {
        return loop;
    }

    /**
     * Tells whether the future has a result, an exception, or was cancelled.
     *
     * @return {@code true} once done
     */
    public final boolean isDone() {
        return state != PENDING;
    }

    /**
     * Tells whether the future was cancelled.
     *
     * @return {@code true} once cancelled
     */
    public final boolean isCancelled() {
        return state == CANCELLED;
    }

    /**
     * Returns the result, or throws the future's exception unchanged.
     *
     * @return the result
     * @throws InvalidStateError if the future is pending
     * @throws CancelledError    if the future was cancelled
     */
    public final T result() {
        if (state == FINISHED) {
            markRetrieved();
            if (exception != null) {
                throw Sneaky.raise(exception);
            }
            return result;
        }
        if (state == CANCELLED) {
            throw cancelledError();
        }
        throw new InvalidStateError("Result is not ready: " + this);
    }

    /**
     * Returns the exception the future finished with, or {@code null} if it has a result.
     *
     * @return the exception or {@code null}
     * @throws InvalidStateError if the future is pending
     * @throws CancelledError    if the future was cancelled
     */
    public final Throwable exception() {
        if (state == FINISHED) {
            markRetrieved();
            return exception;
        }
        if (state == CANCELLED) {
            throw cancelledError();
        }
        throw new InvalidStateError("Exception is not set: " + this);
    }

    /**
     * Finishes the future with a result and schedules its callbacks.
     *
     * @param value the result, may be {@code null}
     * @throws InvalidStateError if the future is already done
     * @throws IllegalStateException if called from a thread other than the one running the loop; the
     *                               future is then left unchanged
     */
    public void setResult(T value) {
        loop.checkThread("setResult()");
        checkPending("setResult");
        complete(value);
    }

    /**
     * Finishes the future with an exception and schedules its callbacks.
     *
     * @param error the exception
     * @throws InvalidStateError    if the future is already done (checked before the argument, as asyncio does)
     * @throws NullPointerException if {@code error} is {@code null}
     * @throws IllegalStateException if called from a thread other than the one running the loop; the
     *                               future is then left unchanged
     */
    public void setException(Throwable error) {
        loop.checkThread("setException()");
        checkPending("setException");
        Objects.requireNonNull(error, "error");
        fail(error);
    }

    /**
     * Cancels the future if it is pending and schedules its callbacks.
     *
     * @return {@code true} if the future was pending and is now cancelled
     */
    public final boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels the future with a message that the resulting {@link CancelledError} carries. As in
     * asyncio, calling it on a future that already failed counts as handling its exception: that
     * exception is no longer reported as never retrieved.
     *
     * @param message the cancellation message, or {@code null}
     * @return {@code true} if the future was pending and is now cancelled
     * @throws IllegalStateException if called from a thread other than the one running the loop; the
     *                               future is then left unchanged
     */
    public boolean cancel(String message) {
        loop.checkThread("cancel()");
        markRetrieved();
        if (state != PENDING) {
            return false;
        }
        state = CANCELLED;
        cancelMessage = message;
        scheduleCallbacks();
        return true;
    }

    /**
     * Adds a callback to run, through {@code callSoon}, when the future is done.
     *
     * @param callback receives this future
     */
    public final void addDoneCallback(Consumer<? super Future<T>> callback) {
        addCallback(Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Removes every registration of {@code callback}.
     *
     * @param callback a callback passed to {@link #addDoneCallback}
     * @return how many registrations were removed
     */
    public final int removeDoneCallback(Consumer<? super Future<T>> callback) {
        Object cbs = callbacks;
        if (cbs == null) {
            return 0;
        }
        if (cbs instanceof CallbackList list) {
            int before = list.size();
            list.removeIf(cb -> cb.equals(callback));
            return before - list.size();
        }
        if (cbs.equals(callback)) {
            callbacks = null;
            return 1;
        }
        return 0;
    }

    /**
     * Returns a {@link CompletableFuture} that completes when this future does; safe to use from any
     * thread. Cancelling it cancels this future.
     *
     * @return a new completable future mirroring this one
     */
    public final CompletableFuture<T> toCompletableFuture() {
        return new BridgeFuture<T>(loop).follow(this);
    }

    /**
     * Wraps a {@link CompletionStage} in a future of the running loop, as asyncio's {@code wrap_future}.
     * The stage may complete on any thread; cancelling the returned future cancels the stage when it
     * supports it.
     *
     * @param <T>   the result type
     * @param stage the stage to follow
     * @return a future completed on the running loop
     * @throws IllegalStateException if no loop is running in this thread
     */
    public static <T> Future<T> from(CompletionStage<T> stage) {
        DefaultEventLoop loop = DefaultEventLoop.running("Future.from()");
        Future<T> f = loop.createFuture();
        CompletableFuture<T> source = stage.toCompletableFuture();
        source.whenComplete((value, error) -> loop.callSoonThreadsafeIfOpen(() -> {
            if (f.isDone()) {
                return;
            }
            Throwable cause = unwrap(error);
            if (cause instanceof CancellationException) {
                f.cancel();
            } else if (cause != null) {
                f.setException(cause);
            } else {
                f.setResult(value);
            }
        }));
        f.addDoneCallback(done -> {
            if (done.isCancelled()) {
                source.cancel(false);
            }
        });
        return f;
    }

    private static Throwable unwrap(Throwable error) {
        while ((error instanceof CompletionException || error instanceof ExecutionException)
                && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    @Override
    public String toString() {
        return reprGuarded(this, () -> "<" + kind() + " " + stateText() + ">");
    }

    /*
     * A future whose result refers back to it (a task returning allTasks(), bpo-42183) would render
     * forever; as asyncio's reprlib.recursive_repr, the inner occurrence renders as "...".
     */
    private static final ThreadLocal<IdentityHashMap<Future<?>, Boolean>> RENDERING =
            ThreadLocal.withInitial(IdentityHashMap::new);

    static String reprGuarded(Future<?> future, Supplier<String> render) {
        IdentityHashMap<Future<?>, Boolean> active = RENDERING.get();
        if (active.putIfAbsent(future, Boolean.TRUE) != null) {
            return "...";
        }
        try {
            return render.get();
        } finally {
            active.remove(future);
        }
    }

    String kind() {
        return "Future";
    }

    /** What a task awaiting this future is waiting for, in task dumps: a label such as "sleep 5s". */
    String label() {
        if (label instanceof java.time.Duration d) {
            return "sleep " + d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        }
        return label != null ? label.toString() : kind();
    }

    /** The futures this one stands for, in task dumps (a gather's children, a task group's tasks). */
    List<? extends Future<?>> awaitedChildren() {
        return List.of();
    }

    /** Sets the dump label: a String, or the Duration of a sleep (formatted only when dumped). */
    final void setLabel(Object label) {
        this.label = label;
    }

    final String stateText() {
        return switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> "cancelled";
            default -> exception != null ? "finished exception=" + exception : "finished result=" + result;
        };
    }

    // ---- package-private machinery shared with Task ----

    final void complete(T value) {
        result = value;
        state = FINISHED;
        scheduleCallbacks();
    }

    final void fail(Throwable error) {
        exception = error;
        state = FINISHED;
        unretrieved = loop.trackUnretrieved(this, error);
        scheduleCallbacks();
    }

    final void cancelWith(CancelledError error) {
        state = CANCELLED;
        cancelMessage = error.getMessage();
        cancelledError = error;
        scheduleCallbacks();
    }

    final void addCallback(Object callback) {
        if (state != PENDING) {
            loop.scheduleDoneCallback(callback, this);
            return;
        }
        Object cbs = callbacks;
        if (cbs == null) {
            callbacks = callback;
        } else if (cbs instanceof CallbackList list) {
            list.add(callback);
        } else {
            CallbackList list = new CallbackList();
            list.add(cbs);
            list.add(callback);
            callbacks = list;
        }
    }

    final void removeCallback(Object callback) {
        Object cbs = callbacks;
        if (cbs == callback) {
            callbacks = null;
        } else if (cbs instanceof CallbackList list) {
            list.remove(callback);
        }
    }

    final String cancelMessage() {
        return cancelMessage;
    }

    final CancelledError cancelledError() {
        if (cancelledError == null) {
            cancelledError = new CancelledError(cancelMessage);
        }
        return cancelledError;
    }

    final void markRetrieved() {
        if (unretrieved != null) {
            loop.untrackUnretrieved(unretrieved);
            unretrieved = null;
        }
    }

    private void checkPending(String operation) {
        if (state != PENDING) {
            throw new InvalidStateError(operation + "() on a future that is already done: " + this);
        }
    }

    private void scheduleCallbacks() {
        Object cbs = callbacks;
        if (cbs == null) {
            return;
        }
        callbacks = null;
        if (cbs instanceof CallbackList list) {
            for (Object cb : list) {
                loop.scheduleDoneCallback(cb, this);
            }
        } else {
            loop.scheduleDoneCallback(cbs, this);
        }
    }

    private static final class CallbackList extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;

        CallbackList() {
            super(4);
        }
    }
}
