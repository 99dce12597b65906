package dev.asyncio4j;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;

/**
 * An event loop: the scheduler that runs callbacks, timers and {@link Task}s one at a time on behalf
 * of one logical thread of control, as asyncio's {@code AbstractEventLoop}.
 *
 * <pre>{@code
 * EventLoop loop = Asyncio.newEventLoop();
 * try {
 *     loop.callLater(Duration.ofMillis(10), () -> System.out.println("timer"));
 *     Task<Integer> t = loop.createTask(() -> { sleep(Duration.ofMillis(20)); return 42; });
 *     int answer = loop.runUntilComplete(t);
 * } finally {
 *     loop.close();
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A loop is <em>loop-confined</em>: every method except
 * {@link #callSoonThreadsafe}, {@link #time()}, {@link #isRunning()} and {@link #isClosed()} must be
 * called from code the loop is running (a task, a callback) or, before and between runs, from the
 * thread that drives it. Calling {@code callSoon} from a foreign thread while the loop runs is
 * detected and refused. Work submitted with {@code callSoonThreadsafe} happens-before the callback
 * runs.
 *
 * <p><b>Time.</b> {@link #time()} is a monotonic clock in nanoseconds (its origin is arbitrary, as
 * with {@link System#nanoTime()}); {@link #callAt} and {@link Asyncio#timeoutAt} take instants on it.
 *
 * <p>This interface is implemented only by asyncio4j; obtain loops from {@link Asyncio#newEventLoop()}
 * or {@link Runner}.
 */
public interface EventLoop extends AutoCloseable {

    /**
     * Schedules {@code callback} to run on the next loop iteration, after callbacks already scheduled.
     *
     * @param callback what to run; exceptions it throws go to the exception handler
     * @return a handle that can cancel the callback
     * @throws IllegalStateException if the loop is closed, or if called from a thread that is not
     *                               running this loop while it runs
     */
    Handle callSoon(Runnable callback);

    /**
     * Schedules {@code callback} from any thread and wakes the loop if it is idle.
     *
     * @param callback what to run on the loop
     * @return a handle that can cancel the callback
     * @throws IllegalStateException if the loop is closed
     */
    Handle callSoonThreadsafe(Runnable callback);

    /**
     * Schedules {@code callback} to run after {@code delay}.
     *
     * @param delay    how long from now; zero or negative means "as soon as possible"
     * @param callback what to run
     * @return a handle that can cancel the timer
     * @throws IllegalStateException if the loop is closed
     */
    TimerHandle callLater(Duration delay, Runnable callback);

    /**
     * Schedules {@code callback} to run at {@code when} on the clock of {@link #time()}.
     *
     * @param when     the deadline in nanoseconds of loop time
     * @param callback what to run
     * @return a handle that can cancel the timer
     * @throws IllegalStateException if the loop is closed
     */
    TimerHandle callAt(long when, Runnable callback);

    /**
     * Returns the loop's monotonic time in nanoseconds. Thread-safe.
     *
     * @return the current loop time
     */
    long time();

    /**
     * Creates a pending future bound to this loop.
     *
     * @param <T> the result type
     * @return a new pending future
     */
    <T> Future<T> createFuture();

    /**
     * Wraps {@code coro} in a task scheduled to start on this loop, named {@code Task-N}.
     *
     * @param <T>  the result type
     * @param coro the body to run
     * @return the new task
     * @throws IllegalStateException if the loop is closed
     */
    <T> Task<T> createTask(Coroutine<T> coro);

    /**
     * Wraps {@code coro} in a task with the given name.
     *
     * @param <T>  the result type
     * @param coro the body to run
     * @param name the task's name, or {@code null} for {@code Task-N}
     * @return the new task
     * @throws IllegalStateException if the loop is closed
     */
    <T> Task<T> createTask(Coroutine<T> coro, String name);

    /**
     * Runs the loop until {@code future} is done and returns its result.
     *
     * @param <T>    the result type
     * @param future a future or task of this loop
     * @return the future's result
     * @throws IllegalStateException if the loop is running or closed, if the future belongs to another
     *                               loop, or if the loop was stopped before the future completed
     * @throws CancelledError        if the future was cancelled; any other failure of the future is
     *                               rethrown unchanged
     */
    <T> T runUntilComplete(Future<T> future);

    /**
     * Creates a task for {@code coro} and runs the loop until it completes.
     *
     * @param <T>  the result type
     * @param coro the body to run
     * @return the coroutine's result; its failure is rethrown unchanged
     * @throws IllegalStateException if the loop is running or closed
     */
    <T> T runUntilComplete(Coroutine<T> coro);

    /**
     * Runs the loop until {@link #stop()} is called.
     *
     * @throws IllegalStateException if the loop is already running, another loop runs on this thread,
     *                               or the loop is closed
     */
    void runForever();

    /**
     * Asks the loop to stop after the current iteration: callbacks already scheduled still run once.
     */
    void stop();

    /**
     * Tells whether the loop is running.
     *
     * @return {@code true} between the start and the end of {@code runForever}/{@code runUntilComplete}
     */
    boolean isRunning();

    /**
     * Tells whether the loop is closed.
     *
     * @return {@code true} after {@link #close()}
     */
    boolean isClosed();

    /**
     * Closes the loop: pending callbacks are dropped, tasks still pending are reported and their
     * threads released, exceptions nobody retrieved are reported, and the default executor is shut
     * down. Idempotent.
     *
     * @throws IllegalStateException if the loop is running
     */
    @Override
    void close();

    /**
     * Runs {@code fn} on {@code executor} (the loop's default executor when {@code null}) and returns
     * a future of its result, as asyncio's {@code run_in_executor}. Cancelling the future cancels the
     * call if it has not started on an {@link java.util.concurrent.ExecutorService}; a call handed to a
     * plain {@link Executor} cannot be withdrawn and runs anyway (its result is dropped).
     *
     * @param <T>      the result type
     * @param executor where to run, or {@code null} for the default executor
     * @param fn       a blocking call
     * @return a future completed on this loop with the call's result or exception
     * @throws IllegalStateException if the loop is closed
     */
    <T> Future<T> runInExecutor(Executor executor, Callable<T> fn);

    /**
     * Replaces the executor used by {@code runInExecutor(null, …)} and {@link Asyncio#toThread}.
     *
     * @param executor the new default executor; the loop shuts it down when it closes
     */
    void setDefaultExecutor(ExecutorService executor);

    /**
     * Sets the handler for errors nobody else can handle (exceptions in callbacks, task exceptions
     * never retrieved, slow steps); {@code null} restores the default, which logs.
     *
     * @param handler receives this loop and a context map with keys such as {@code message},
     *                {@code exception}, {@code task}, {@code future} and {@code handle}
     */
    void setExceptionHandler(BiConsumer<EventLoop, Map<String, Object>> handler);

    /**
     * Returns the handler set by {@link #setExceptionHandler}, or {@code null} for the default.
     *
     * @return the custom handler or {@code null}
     */
    BiConsumer<EventLoop, Map<String, Object>> getExceptionHandler();

    /**
     * Passes {@code context} to the exception handler.
     *
     * @param context at least a {@code message} entry
     */
    void callExceptionHandler(Map<String, Object> context);

    /**
     * The default exception handler: logs the context through {@link System.Logger} named
     * {@code dev.asyncio4j}.
     *
     * @param context at least a {@code message} entry
     */
    void defaultExceptionHandler(Map<String, Object> context);

    /**
     * Turns debug mode on or off: tasks remember where they were created, and reports name it.
     *
     * @param enabled whether debug mode is on
     */
    void setDebug(boolean enabled);

    /**
     * Tells whether debug mode is on.
     *
     * @return the debug flag
     */
    boolean getDebug();

    /**
     * Sets how long a single step (a callback, or a task between two awaits) may hold the loop before
     * it is reported through the exception handler. The check runs in every mode, not only in debug
     * mode; {@link Duration#ZERO} turns it off. Default: 100 ms.
     *
     * @param threshold the slow-step threshold
     */
    void setSlowCallbackDuration(Duration threshold);

    /**
     * Returns the slow-step threshold.
     *
     * @return the threshold set by {@link #setSlowCallbackDuration}
     */
    Duration getSlowCallbackDuration();

    /**
     * Makes new tasks start eagerly: {@code createTask} runs the coroutine at once, up to its first
     * suspension, as asyncio's {@code eager_task_factory} (3.12). A coroutine that finishes without
     * suspending yields a task that is already done.
     *
     * @param eager whether tasks created from now on start eagerly
     */
    void setEagerTasks(boolean eager);
}
