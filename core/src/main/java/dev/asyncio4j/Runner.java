package dev.asyncio4j;

import dev.asyncio4j.internal.DefaultEventLoop;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs coroutines on an event loop it owns and cleans up after them: asyncio's {@code Runner}, and
 * the engine of {@link Asyncio#run}.
 *
 * <pre>{@code
 * try (Runner runner = new Runner(true)) {        // debug mode
 *     runner.run(() -> setUp());
 *     int n = runner.run(() -> work());           // same loop, same state
 * }                                               // leftover tasks cancelled, executor joined
 * }</pre>
 *
 * <p><b>Closing.</b> {@link #close()} cancels every task still pending, runs the loop until they are
 * done, reports failures they raised while being cancelled, shuts down the default executor
 * and waits for its threads (up to five minutes, as {@code shutdown_default_executor}), and closes the
 * loop. Afterwards no thread of the loop is left. Closing a runner that never ran anything does
 * nothing and leaves it usable, as in asyncio.
 *
 * <p><b>Interrupts.</b> Interrupting the thread inside {@link #run} cancels the main task (as asyncio's
 * runner does on Ctrl-C); the interrupt status is set again when {@code run} returns.
 *
 * <p>Confined to the thread that uses it; not reentrant: {@code run} cannot be called from inside a
 * running loop.
 */
public final class Runner implements AutoCloseable {
    private static final Duration EXECUTOR_SHUTDOWN_TIMEOUT = Duration.ofMinutes(5);

    private final Boolean debug;
    private final Supplier<? extends EventLoop> loopFactory;
    private DefaultEventLoop loop;
    private boolean closed;

    /**
     * Creates a runner; its loop is created on first use, in debug mode if the process-wide default
     * says so (system property {@code asyncio4j.debug} or environment variable {@code ASYNCIO4J_DEBUG}).
     */
    public Runner() {
        this.debug = null;
        this.loopFactory = Asyncio::newEventLoop;
    }

    /**
     * Creates a runner whose loop runs in debug mode or not, whatever the process-wide default.
     *
     * @param debug whether the loop starts in debug mode
     */
    public Runner(boolean debug) {
        this.debug = debug;
        this.loopFactory = Asyncio::newEventLoop;
    }

    /**
     * Creates a runner whose loop comes from {@code loopFactory} (asyncio's {@code loop_factory}),
     * for example {@code VirtualTime::newEventLoop}.
     *
     * @param loopFactory creates the loop on first use
     */
    public Runner(Supplier<? extends EventLoop> loopFactory) {
        this.debug = null;
        this.loopFactory = Objects.requireNonNull(loopFactory, "loopFactory");
    }

    /**
     * Runs {@code coro} in a new task on the runner's loop until it completes.
     *
     * @param <T>  the result type
     * @param coro the coroutine
     * @return its result; its failure is rethrown unchanged
     * @throws IllegalStateException if called from a running event loop or after {@link #close()}
     */
    public <T> T run(Coroutine<T> coro) {
        if (DefaultEventLoop.current() != null) {
            throw new IllegalStateException("Runner.run() cannot be called from a running event loop;"
                    + " await the coroutine, or use Asyncio.createTask(...)");
        }
        DefaultEventLoop l = loop();
        Task<T> main = l.createTask(coro);
        l.setInterruptHandler(() -> main.cancel("the thread running the loop was interrupted"));
        try {
            return l.runUntilComplete(main);
        } finally {
            l.setInterruptHandler(null);
        }
    }

    /**
     * Returns the runner's loop, creating it if needed.
     *
     * @return the loop
     * @throws IllegalStateException if the runner is closed
     */
    public EventLoop getLoop() {
        return loop();
    }

    @Override
    public void close() {
        DefaultEventLoop l = loop;
        if (closed || l == null) {
            // asyncio: closing a runner that never ran anything leaves it usable
            return;
        }
        closed = true;
        try {
            cancelAllTasks(l);
            l.shutdownDefaultExecutor(EXECUTOR_SHUTDOWN_TIMEOUT);
        } finally {
            l.close();
        }
    }

    private DefaultEventLoop loop() {
        if (closed) {
            throw new IllegalStateException("Runner is closed");
        }
        if (loop == null) {
            loop = (DefaultEventLoop) loopFactory.get();
            if (debug != null) {
                loop.setDebug(debug);
            }
        }
        return loop;
    }

    private static void cancelAllTasks(DefaultEventLoop loop) {
        List<Task<?>> left = loop.allTasks();
        if (left.isEmpty()) {
            return;
        }
        for (Task<?> task : left) {
            task.cancel();
        }
        loop.runUntilComplete(Combinators.gather(left, true));
        for (Task<?> task : left) {
            if (!task.isCancelled() && task.exception() != null) {
                Map<String, Object> context = new LinkedHashMap<>();
                context.put("message", "unhandled exception during Asyncio.run() shutdown");
                context.put("exception", task.exception());
                context.put("task", task);
                loop.callExceptionHandler(context);
            }
        }
    }
}
