package dev.asyncio4j;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

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
     * Turns debug mode on or off: tasks remember where they were created, and reports name it; a
     * watchdog thread reports steps slower than {@link #setSlowCallbackDuration}. Also turned on by
     * the system property {@code asyncio4j.debug} or the environment variable {@code ASYNCIO4J_DEBUG}.
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
     * it is reported through the exception handler, with the step's stack. As in asyncio the check
     * runs in debug mode only (outside it, a loaded machine's scheduling and JIT pauses would be
     * reported as slow steps); {@link Duration#ZERO} turns it off. Default: 100 ms.
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

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is readable (or, for a server socket,
     * has a connection to accept): asyncio's {@code add_reader}. Replaces a reader set before. The
     * channel is made non-blocking.
     *
     * @param channel  a selectable channel not owned by a transport or server of this loop
     * @param callback runs on the loop at each readiness until removed
     * @throws IllegalStateException if a transport or server owns the channel, or from a foreign thread
     */
    void addReader(SelectableChannel channel, Runnable callback);

    /**
     * Stops watching {@code channel} for reading.
     *
     * @param channel the channel
     * @return whether a reader was set
     */
    boolean removeReader(SelectableChannel channel);

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is writable (or its pending connect
     * can be finished): asyncio's {@code add_writer}.
     *
     * @param channel  a selectable channel not owned by a transport or server of this loop
     * @param callback runs on the loop at each readiness until removed
     * @throws IllegalStateException if a transport or server owns the channel, or from a foreign thread
     */
    void addWriter(SelectableChannel channel, Runnable callback);

    /**
     * Stops watching {@code channel} for writing.
     *
     * @param channel the channel
     * @return whether a writer was set
     */
    boolean removeWriter(SelectableChannel channel);

    /**
     * Opens a TCP connection and returns its transport once {@code factory}'s protocol has been told
     * ({@code connectionMade}): asyncio's {@code loop.create_connection}. Suspends the calling task; a
     * host name is resolved off the loop and each of its addresses tried in turn. With
     * {@link NetOptions#withSsl} the protocol sits on a TLS session whose handshake is done on return.
     *
     * @param factory makes the protocol
     * @param host    host name or literal address
     * @param port    port
     * @param options TLS, local address
     * @return the connected transport
     * @throws IOException the connect error (e.g. {@link java.net.ConnectException} when refused),
     *                     {@link java.net.UnknownHostException}, or a TLS handshake failure
     */
    Transport createConnection(Supplier<? extends Protocol> factory, String host, int port, NetOptions options)
            throws IOException;

    /**
     * Opens a Unix-domain stream connection; see {@link #createConnection}.
     *
     * @param factory makes the protocol
     * @param path    the server's socket file
     * @param options TLS
     * @return the connected transport
     * @throws IOException the connect error
     */
    Transport createUnixConnection(Supplier<? extends Protocol> factory, Path path, NetOptions options)
            throws IOException;

    /**
     * Listens on {@code host:port} and gives each accepted connection a protocol from {@code factory}:
     * asyncio's {@code loop.create_server}. With {@link NetOptions#withSsl} connections are TLS.
     *
     * @param factory makes a protocol per connection
     * @param host    address to bind, or {@code null} for every interface
     * @param port    port, 0 for an ephemeral one (see {@link Server#port()})
     * @param options backlog, TLS, startServing
     * @return the server, serving unless {@code options} say otherwise
     * @throws IOException if binding fails
     */
    Server createServer(Supplier<? extends Protocol> factory, String host, int port, NetOptions options)
            throws IOException;

    /**
     * Listens on a Unix-domain socket file; see {@link #createServer}. A stale socket file at
     * {@code path} is replaced; any other file there is an error.
     *
     * @param factory makes a protocol per connection
     * @param path    the socket file to create
     * @param options backlog, TLS, startServing
     * @return the server
     * @throws IOException if binding fails
     */
    Server createUnixServer(Supplier<? extends Protocol> factory, Path path, NetOptions options) throws IOException;

    /**
     * Upgrades an open connection to TLS and returns the new transport once the handshake is done:
     * asyncio's {@code loop.start_tls}. From then on {@code protocol} receives the decrypted data
     * and must write to the returned transport; {@code transport} must no longer be used directly.
     * Suspends the calling task.
     *
     * <pre>{@code
     * writer.write("STARTTLS\r\n".getBytes(US_ASCII));
     * Transport tls = loop.startTls(transport, protocol, context, false, "mail.example.org", null);
     * }</pre>
     *
     * @param transport        the plain transport to upgrade (e.g. a socket)
     * @param protocol         the protocol that receives the TLS session's events
     * @param context          the TLS context
     * @param serverSide       true to act as the TLS server
     * @param serverHostname   a client's name to verify and send as SNI; {@code null} for the peer's
     *                         address
     * @param handshakeTimeout how long the handshake may take, or {@code null} for 60 s
     * @return the TLS transport
     * @throws IOException the handshake failure ({@link javax.net.ssl.SSLHandshakeException}, a
     *                     {@link java.net.SocketTimeoutException} on timeout, or a reset); the
     *                     connection is aborted
     */
    Transport startTls(Transport transport, Protocol protocol, javax.net.ssl.SSLContext context, boolean serverSide,
                       String serverHostname, Duration handshakeTimeout) throws IOException;

    /**
     * Starts a child process and returns its transport once {@code factory}'s protocol has been told
     * ({@code connectionMade}): asyncio's {@code loop.subprocess_exec}. Suspends the calling task
     * while the process is started (off the loop: starting a process blocks). If the task is cancelled
     * meanwhile, a process that starts anyway is killed.
     *
     * @param factory makes the protocol
     * @param command the program and its arguments; the program is looked up on the {@code PATH}
     * @param options redirects, working directory, environment
     * @return the transport of the running child
     * @throws IOException              if the process cannot be started, e.g. the program is not found
     * @throws IllegalArgumentException if {@code command} is empty
     */
    SubprocessTransport subprocessExec(Supplier<? extends SubprocessProtocol> factory, List<String> command,
                                       SubprocessOptions options) throws IOException;

    /**
     * Runs {@code cmd} through the system shell ({@code /bin/sh -c}); see {@link #subprocessExec}.
     * Quoting is the caller's business: never build {@code cmd} from untrusted input.
     *
     * @param factory makes the protocol
     * @param cmd     the shell command line
     * @param options redirects, working directory, environment
     * @return the transport of the running shell
     * @throws IOException if the shell cannot be started
     */
    SubprocessTransport subprocessShell(Supplier<? extends SubprocessProtocol> factory, String cmd,
                                        SubprocessOptions options) throws IOException;
}
