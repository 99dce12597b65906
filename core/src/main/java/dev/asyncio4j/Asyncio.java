package dev.asyncio4j;

import dev.asyncio4j.internal.BridgeFuture;
import dev.asyncio4j.internal.Deadlines;
import dev.asyncio4j.internal.DefaultEventLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The entry points of asyncio4j, named as in Python's {@code asyncio} module; import them statically.
 *
 * <pre>{@code
 * import static dev.asyncio4j.Asyncio.*;
 *
 * List<String> both = Asyncio.run(() -> {
 *     Task<String> a = createTask(() -> { sleep(Duration.ofSeconds(1)); return "a"; });
 *     Task<String> b = createTask(() -> { sleep(Duration.ofSeconds(1)); return "b"; });
 *     return await(gather(a, b));              // ~1 s, not 2
 * });
 * }</pre>
 *
 * <p><b>Coroutine methods.</b> Where asyncio has a coroutine function ({@code sleep}, {@code wait},
 * {@code wait_for}, {@code to_thread}), this class has a plain method that suspends the calling task
 * and returns the value: calling it <em>is</em> Python's {@code await f()}. Where asyncio returns an
 * awaitable ({@code gather}, {@code shield}, {@code create_task}), this class returns a {@link Future}
 * to pass to {@link #await}. Methods that suspend must be called inside a task and throw
 * {@link IllegalStateException} otherwise.
 *
 * <p><b>Exceptions.</b> Awaiting rethrows a future's exception unchanged, checked or not; a method
 * that awaits may declare the checked exceptions it lets through. {@code wait} shares its name with
 * {@link Object#wait()}, which hides a static import inside any class: call it as
 * {@code Asyncio.wait(...)}.
 */
public final class Asyncio {
    private Asyncio() {
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs {@code main} on a new event loop and closes it: asyncio's {@code asyncio.run()}.
     *
     * @param <T>  the result type
     * @param main the program's main coroutine
     * @return its result; its failure is rethrown unchanged
     * @throws IllegalStateException if called from a running event loop
     */
    public static <T> T run(Coroutine<T> main) {
        if (DefaultEventLoop.current() != null) {
            throw new IllegalStateException("Asyncio.run() cannot be called from a running event loop;"
                    + " await the coroutine, or use Asyncio.createTask(...)");
        }
        try (Runner runner = new Runner()) {
            return runner.run(main);
        }
    }

    /**
     * Creates a new event loop, not running.
     *
     * @return the loop; close it when done
     */
    public static EventLoop newEventLoop() {
        return new DefaultEventLoop();
    }

    /**
     * Returns the loop running in this thread.
     *
     * @return the running loop
     * @throws IllegalStateException if no loop runs in this thread
     */
    public static EventLoop getRunningLoop() {
        return DefaultEventLoop.running("getRunningLoop()");
    }

    /**
     * Wraps {@code coro} in a task scheduled on the running loop.
     *
     * @param <T>  the result type
     * @param coro the coroutine
     * @return the task
     * @throws IllegalStateException if no loop runs in this thread
     */
    public static <T> Task<T> createTask(Coroutine<T> coro) {
        return DefaultEventLoop.running("createTask()").createTask(coro);
    }

    /**
     * Wraps {@code coro} in a named task scheduled on the running loop.
     *
     * @param <T>  the result type
     * @param coro the coroutine
     * @param name the task's name
     * @return the task
     * @throws IllegalStateException if no loop runs in this thread
     */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return DefaultEventLoop.running("createTask()").createTask(coro, name);
    }

    /**
     * Returns the task whose coroutine is running, or {@code null} in a plain callback.
     *
     * @return the current task or {@code null}
     * @throws IllegalStateException if no loop runs in this thread
     */
    public static Task<?> currentTask() {
        return DefaultEventLoop.running("currentTask()").currentTask();
    }

    /**
     * Returns the running loop's tasks that are not done.
     *
     * @return a snapshot, in creation order
     * @throws IllegalStateException if no loop runs in this thread
     */
    public static Set<Task<?>> allTasks() {
        return new LinkedHashSet<>(DefaultEventLoop.running("allTasks()").allTasks());
    }

    /**
     * Wraps a completion stage in a future of the running loop: asyncio's {@code wrap_future}.
     *
     * @param <T>   the result type
     * @param stage the stage, completed on any thread
     * @return a future of the running loop
     * @throws IllegalStateException if no loop runs in this thread
     */
    public static <T> Future<T> ensureFuture(CompletionStage<T> stage) {
        return Future.from(stage);
    }

    /**
     * Runs {@code coro} on {@code loop}, from any other thread: asyncio's
     * {@code run_coroutine_threadsafe}. Cancelling the returned future cancels the task.
     *
     * @param <T>  the result type
     * @param coro the coroutine
     * @param loop a running loop
     * @return a future completed with the task's outcome
     * @throws IllegalStateException if the loop is closed
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(Coroutine<T> coro, EventLoop loop) {
        DefaultEventLoop target = (DefaultEventLoop) loop;
        BridgeFuture<T> result = new BridgeFuture<>(target);
        target.callSoonThreadsafe(() -> {
            if (result.isDone()) {
                return;
            }
            try {
                result.follow(target.createTask(coro));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    // ---------------------------------------------------------------- awaiting

    /**
     * Suspends the current task until {@code future} is done and returns its result: Python's
     * {@code await future}. A done future returns at once, without suspending.
     *
     * @param <T>    the result type
     * @param future a future or task of the running loop
     * @return the result; the future's failure is rethrown unchanged
     * @throws CancelledError        if the current task or the future is cancelled
     * @throws IllegalStateException if called outside a task, on a future of another loop, or on the
     *                               current task itself
     */
    public static <T> T await(Future<T> future) {
        return Combinators.currentTask("await()").await(future);
    }

    /**
     * Suspends the current task for {@code delay}; zero or negative yields once to every other ready
     * task and callback (Python's {@code sleep(0)}).
     *
     * @param delay how long
     * @throws CancelledError        if the task is cancelled meanwhile
     * @throws IllegalStateException if called outside a task
     */
    public static void sleep(Duration delay) {
        Task<?> task = Combinators.currentTask("sleep()");
        if (delay.isZero() || delay.isNegative()) {
            task.yieldNow();
            return;
        }
        Future<Void> done = task.loop.createFuture();
        done.setLabel(delay);
        TimerHandle timer = task.loop.callLater(delay, () -> {
            if (!done.isDone()) {
                done.setResult(null);
            }
        });
        try {
            task.await(done);
        } finally {
            timer.cancel();
        }
    }

    /**
     * Returns a future of all results, in argument order: asyncio's {@code gather()}. The first
     * failure (or cancellation) of a child fails the returned future; the other children keep
     * running. Cancelling the returned future cancels every child. Repeated futures run once.
     *
     * @param <T>     the common result type
     * @param futures futures or tasks of one loop
     * @return a future of the results
     * @throws IllegalArgumentException if the futures belong to different loops
     * @throws IllegalStateException    if {@code futures} is empty and no loop runs in this thread
     */
    @SafeVarargs
    public static <T> Future<List<T>> gather(Future<? extends T>... futures) {
        return gather(Arrays.asList(futures));
    }

    /**
     * Like {@link #gather(Future[])}, for a collection.
     *
     * @param <T>     the common result type
     * @param futures futures or tasks of one loop
     * @return a future of the results, in iteration order
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T> Future<List<T>> gather(Collection<? extends Future<? extends T>> futures) {
        return (Future) Combinators.gather(List.copyOf(futures), false);
    }

    /**
     * Like {@link #gather(Future[])}, but with {@code returnExceptions} a child's exception (or a
     * {@link CancelledError} for a cancelled child) takes its place in the result list instead of
     * failing the whole.
     *
     * @param returnExceptions whether failures become list elements
     * @param futures          futures or tasks of one loop
     * @return a future of results and exceptions, in argument order
     */
    public static Future<List<Object>> gather(boolean returnExceptions, Future<?>... futures) {
        return Combinators.gather(Arrays.asList(futures), returnExceptions);
    }

    /**
     * Like {@link #gather(boolean, Future[])}, for a collection.
     *
     * @param returnExceptions whether failures become list elements
     * @param futures          futures or tasks of one loop
     * @return a future of results and exceptions, in iteration order
     */
    public static Future<List<Object>> gather(boolean returnExceptions, Collection<? extends Future<?>> futures) {
        return Combinators.gather(List.copyOf(futures), returnExceptions);
    }

    /**
     * Waits until {@code returnWhen} is met or {@code timeout} passes, without cancelling anything:
     * asyncio's {@code wait()}. Call it as {@code Asyncio.wait(...)} (see the class comment).
     *
     * @param <F>        the future type
     * @param futures    futures or tasks of the running loop; duplicates count once
     * @param timeout    the longest wait, or {@code null} for none
     * @param returnWhen the condition
     * @return the done futures in completion order, and the pending ones
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws CancelledError           if the current task is cancelled meanwhile
     */
    public static <F extends Future<?>> DoneAndPending<F> wait(Collection<F> futures, Duration timeout, ReturnWhen returnWhen) {
        return Combinators.waitFutures(futures, timeout, returnWhen);
    }

    /**
     * Waits until every future is done: {@code wait(futures, null, ReturnWhen.ALL_COMPLETED)}.
     *
     * @param <F>     the future type
     * @param futures futures or tasks of the running loop; duplicates count once
     * @return all futures as done, in completion order, and an empty pending set
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws CancelledError           if the current task is cancelled meanwhile
     */
    public static <F extends Future<?>> DoneAndPending<F> wait(Collection<F> futures) {
        return Combinators.waitFutures(futures, null, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * Awaits {@code future} for at most {@code timeout}; at the deadline it is cancelled, and its
     * cancellation awaited, before {@link TimeoutError} is thrown: asyncio's {@code wait_for()}.
     *
     * @param <T>     the result type
     * @param future  a future or task of the running loop
     * @param timeout the limit, or {@code null} for none
     * @return the result
     * @throws TimeoutError  if the deadline passed
     * @throws CancelledError if the current task is cancelled
     */
    public static <T> T waitFor(Future<T> future, Duration timeout) {
        return Combinators.waitFor(future, timeout);
    }

    /**
     * Awaits {@code coro} for at most {@code timeout}, as asyncio's {@code wait_for(coro(), timeout)}:
     * the coroutine runs in the current task, inside a {@link #timeout(Duration, Timeout.Body)} scope,
     * so at the deadline it sees a {@link CancelledError} at its pending await, and once that leaves it
     * the caller gets {@link TimeoutError}. A coroutine that swallows the cancellation and returns a
     * value makes this method return that value. With a zero or negative timeout the coroutine does
     * not run at all (asyncio wraps it in a task and cancels that before it starts).
     *
     * @param <T>     the result type
     * @param coro    the coroutine
     * @param timeout the limit, or {@code null} for none
     * @return the result
     * @throws TimeoutError          if the deadline passed
     * @throws CancelledError        if the current task is cancelled
     * @throws IllegalStateException if called outside a task
     */
    public static <T> T waitFor(Coroutine<T> coro, Duration timeout) {
        Objects.requireNonNull(coro, "coro");
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            return Combinators.waitFor(createTask(coro), timeout);
        }
        return timeout(timeout, scope -> coro.call());
    }

    /**
     * Returns the futures in the order they complete: each {@code next()} of the iterator suspends
     * the current task until one more is done and returns it (Python 3.13's {@code as_completed}).
     *
     * <pre>{@code
     * for (Task<String> t : Asyncio.asCompleted(tasks, Duration.ofSeconds(5))) {
     *     System.out.println(t.result());          // earliest first
     * }
     * }</pre>
     *
     * @param <F>     the future type
     * @param futures futures or tasks of one loop; duplicates count once
     * @param timeout the limit for all of them, or {@code null}; after it {@code next()} throws
     *                {@link TimeoutError} for each future not done
     * @return an iterable whose iterator is itself: iterating it again after a {@code break}
     *         resumes with the futures not yet returned (as 3.13's iterator does)
     */
    public static <F extends Future<?>> Iterable<F> asCompleted(Collection<F> futures, Duration timeout) {
        return Combinators.asCompleted(futures, timeout);
    }

    /**
     * Protects {@code future} from cancellation: cancelling the returned future does not cancel it
     * (asyncio's {@code shield()}). A done future is returned as is.
     *
     * @param <T>    the result type
     * @param future the future or task to protect
     * @return a future that mirrors it
     */
    public static <T> Future<T> shield(Future<T> future) {
        return Combinators.shield(future);
    }

    /**
     * Runs {@code body} with a deadline {@code delay} from now; see {@link Timeout}.
     *
     * @param <T>   the body's result type
     * @param delay the time allowed, or {@code null} for no deadline (yet)
     * @param body  the block
     * @return the body's result
     * @throws TimeoutError          if the deadline passed and the block was cancelled
     * @throws IllegalStateException if called outside a task
     */
    public static <T> T timeout(Duration delay, Timeout.Body<T> body) {
        DefaultEventLoop loop = DefaultEventLoop.running("timeout()");
        return Timeout.within(delay == null ? null : Deadlines.after(loop.time(), delay), body);
    }

    /**
     * Runs {@code body} with a deadline at {@code when} on the loop's clock; see {@link Timeout}.
     *
     * @param <T>  the body's result type
     * @param when the deadline in nanoseconds of {@link EventLoop#time()}, or {@code null}
     * @param body the block
     * @return the body's result
     * @throws TimeoutError          if the deadline passed and the block was cancelled
     * @throws IllegalStateException if called outside a task
     */
    public static <T> T timeoutAt(Long when, Timeout.Body<T> body) {
        return Timeout.within(when, body);
    }

    /**
     * Runs {@code body} in a new {@link TaskGroup} and waits for all its tasks.
     *
     * @param <T>  the body's result type
     * @param body creates the group's tasks
     * @return the body's result
     * @throws TaskGroupException if any task or the body failed
     */
    public static <T> T taskGroup(TaskGroup.Body<T> body) {
        return TaskGroup.run(body);
    }

    /**
     * Runs a blocking call on the loop's default executor and suspends the current task until it
     * returns: asyncio's {@code to_thread()}.
     *
     * @param <T> the result type
     * @param fn  the blocking call
     * @return its result; its failure is rethrown unchanged
     * @throws IllegalStateException if called outside a task
     */
    public static <T> T toThread(Callable<T> fn) {
        Task<?> task = Combinators.currentTask("toThread()");
        return task.await(task.loop.runInExecutor(null, fn));
    }

    // ---------------------------------------------------------------- streams

    /**
     * Opens a TCP connection and returns its reader and writer: asyncio's {@code open_connection}.
     * Suspends the calling task until connected.
     *
     * <pre>{@code
     * try (var conn = openConnection("127.0.0.1", 8888)) {
     *     conn.writer().write("GET / HTTP/1.0\r\n\r\n".getBytes(US_ASCII));
     *     byte[] status = conn.reader().readline();
     * }
     * }</pre>
     *
     * @param host host name or literal address
     * @param port port
     * @return the connection's streams
     * @throws IOException the connect error, e.g. {@link java.net.ConnectException} when refused
     */
    public static StreamPair openConnection(String host, int port) throws IOException {
        return Streams.openTcp(host, port, NetOptions.defaults());
    }

    /**
     * Opens a TCP (or, with {@link NetOptions#withSsl}, TLS) connection; see {@link #openConnection(String, int)}.
     *
     * @param host    host name or literal address
     * @param port    port
     * @param options TLS, buffer limit, local address
     * @return the connection's streams
     * @throws IOException the connect or handshake error
     */
    public static StreamPair openConnection(String host, int port, NetOptions options) throws IOException {
        return Streams.openTcp(host, port, options);
    }

    /**
     * Opens a Unix-domain stream connection: asyncio's {@code open_unix_connection}.
     *
     * @param path    the server's socket file
     * @param options buffer limit, TLS
     * @return the connection's streams
     * @throws IOException the connect error
     */
    public static StreamPair openUnixConnection(Path path, NetOptions options) throws IOException {
        return Streams.openUnix(path, options);
    }

    /**
     * Starts a TCP server that runs {@code handler} in a new task for each connection: asyncio's
     * {@code start_server}.
     *
     * <pre>{@code
     * Server server = startServer((reader, writer) -> {
     *     byte[] line;
     *     while ((line = reader.readline()).length > 0) {
     *         writer.write(line);
     *         writer.drain();
     *     }
     *     writer.close();
     * }, "127.0.0.1", 0);
     * }</pre>
     *
     * @param handler serves one connection
     * @param host    address to bind, or {@code null} for every interface
     * @param port    port, 0 for an ephemeral one
     * @return the server, already accepting
     * @throws IOException if binding fails
     */
    public static Server startServer(Server.ClientConnected handler, String host, int port) throws IOException {
        return Streams.serveTcp(handler, host, port, NetOptions.defaults());
    }

    /**
     * Starts a TCP or TLS server; see {@link #startServer(Server.ClientConnected, String, int)}.
     *
     * @param handler serves one connection
     * @param host    address to bind, or {@code null} for every interface
     * @param port    port, 0 for an ephemeral one
     * @param options TLS, buffer limit, backlog, startServing
     * @return the server
     * @throws IOException if binding fails
     */
    public static Server startServer(Server.ClientConnected handler, String host, int port, NetOptions options)
            throws IOException {
        return Streams.serveTcp(handler, host, port, options);
    }

    /**
     * Starts a Unix-domain stream server: asyncio's {@code start_unix_server}.
     *
     * @param handler serves one connection
     * @param path    the socket file to create (a stale socket there is replaced)
     * @param options buffer limit, backlog, TLS
     * @return the server
     * @throws IOException if binding fails
     */
    public static Server startUnixServer(Server.ClientConnected handler, Path path, NetOptions options)
            throws IOException {
        return Streams.serveUnix(handler, path, options);
    }

    // ---------------------------------------------------------------- subprocesses

    /**
     * Starts {@code program} with {@code args}, its standard streams inherited from the JVM: asyncio's
     * {@code create_subprocess_exec} with its defaults. Suspends the calling task while the process
     * starts. See {@link #createSubprocessExec(List, SubprocessOptions)} for pipes.
     *
     * @param program the program, looked up on the {@code PATH}
     * @param args    its arguments
     * @return the running process
     * @throws IOException if it cannot be started, e.g. the program is not found
     */
    public static Subprocess createSubprocessExec(String program, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(args.length + 1);
        command.add(Objects.requireNonNull(program, "program"));
        command.addAll(Arrays.asList(args));
        return Subprocess.exec(command, SubprocessOptions.defaults());
    }

    /**
     * Starts a program: asyncio's {@code create_subprocess_exec}. Suspends the calling task while the
     * process starts; if the task is cancelled meanwhile, a process that starts anyway is killed.
     *
     * <pre>{@code
     * try (Subprocess p = createSubprocessExec(List.of("cat"), SubprocessOptions.pipes())) {
     *     byte[] echoed = p.communicate("hi".getBytes(UTF_8)).stdout();
     * }
     * }</pre>
     *
     * @param command the program, looked up on the {@code PATH}, and its arguments
     * @param options redirects, working directory, environment, stream limit
     * @return the running process
     * @throws IOException              if it cannot be started, e.g. the program is not found
     * @throws IllegalArgumentException if {@code command} is empty
     */
    public static Subprocess createSubprocessExec(List<String> command, SubprocessOptions options) throws IOException {
        return Subprocess.exec(command, options);
    }

    /**
     * Runs {@code cmd} through {@code /bin/sh -c}, its standard streams inherited: asyncio's
     * {@code create_subprocess_shell}. Quoting is the caller's business: never build {@code cmd} from
     * untrusted input.
     *
     * @param cmd the shell command line
     * @return the running shell
     * @throws IOException if the shell cannot be started
     */
    public static Subprocess createSubprocessShell(String cmd) throws IOException {
        return Subprocess.shell(cmd, SubprocessOptions.defaults());
    }

    /**
     * Runs {@code cmd} through {@code /bin/sh -c}; see {@link #createSubprocessShell(String)} and
     * {@link #createSubprocessExec(List, SubprocessOptions)}.
     *
     * @param cmd     the shell command line
     * @param options redirects, working directory, environment, stream limit
     * @return the running shell
     * @throws IOException if the shell cannot be started
     */
    public static Subprocess createSubprocessShell(String cmd, SubprocessOptions options) throws IOException {
        return Subprocess.shell(cmd, options);
    }
}
