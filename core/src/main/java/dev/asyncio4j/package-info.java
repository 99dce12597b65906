/**
 * Python's asyncio programming model on the JVM: an event loop, futures, tasks, {@code await} and the
 * asyncio combinators, with asyncio's semantics (CPython 3.12/3.13 is the reference).
 *
 * <pre>{@code
 * import static dev.asyncio4j.Asyncio.*;
 *
 * String result = Asyncio.run(() -> {
 *     Task<String> a = createTask(() -> { sleep(Duration.ofSeconds(1)); return "a"; });
 *     Task<String> b = createTask(() -> { sleep(Duration.ofSeconds(1)); return "b"; });
 *     List<String> both = await(gather(a, b));          // one second, not two
 *     return String.join("+", both);
 * });
 * }</pre>
 *
 * <p><b>The model.</b> A coroutine is ordinary Java code ({@link dev.asyncio4j.Coroutine}) run by a
 * {@link dev.asyncio4j.Task} on a virtual thread of its own. The loop runs exactly one of its tasks at
 * a time and switches only where the running task suspends ({@code await}, {@code sleep}, a lock or
 * queue wait), so tasks of one loop share state without locks, as in asyncio. Calling a method that
 * awaits is Python's {@code await coro()}: there is no separate asynchronous method type.
 *
 * <p><b>Name map.</b> {@code asyncio.run} → {@link dev.asyncio4j.Asyncio#run}; {@code create_task} →
 * {@link dev.asyncio4j.Asyncio#createTask}; {@code await x} → {@link dev.asyncio4j.Asyncio#await};
 * {@code gather / wait / wait_for / as_completed / shield / sleep / to_thread} → the methods of the same
 * name in camelCase; {@code async with asyncio.timeout(d):} → {@code Asyncio.timeout(d, scope -> …)};
 * {@code async with TaskGroup() as tg:} → {@code TaskGroup.run(tg -> …)}; {@code loop.call_soon} and
 * friends → {@link dev.asyncio4j.EventLoop}. Durations are {@link java.time.Duration}s; loop time is
 * in nanoseconds.
 *
 * <p><b>Subprocesses and threads.</b> Sockets are driven by the loop's NIO selector, with no thread
 * per connection. The JDK's process pipes cannot be: {@link java.lang.Process} gives plain blocking
 * streams, not selectable channels, and a read on them cannot be interrupted. So a
 * {@link dev.asyncio4j.Subprocess} uses one daemon platform thread per piped stream, named
 * {@code asyncio4j-subprocess-<pid>-stdin|stdout|stderr}: a stdout/stderr thread blocks in
 * {@code read()} and hands each chunk to the loop with {@code callSoonThreadsafe}; the stdin thread,
 * started on the first write, takes the loop's buffered writes and blocks in {@code write()}. Flow
 * control is real in both directions: a reader thread stops reading while its
 * {@link dev.asyncio4j.StreamReader} is full (so the OS pipe fills and the child blocks), and
 * {@link dev.asyncio4j.StreamWriter#drain()} waits while the stdin thread is behind. Platform rather
 * than virtual threads because the JDK's pipe reads are not hooked into its virtual-thread I/O
 * poller: a virtual thread blocked on one pins (or makes the scheduler add) a carrier thread of the
 * scheduler the loop's own tasks run on. The child's exit is {@link java.lang.Process#onExit()},
 * bridged to the loop; starting a process (fork/exec) and sending signals other than SIGTERM/SIGKILL
 * (a {@code kill} command) run on the loop's executor. No call of the loop thread blocks, and the
 * JDK reaps every child, so none is left a zombie. A thread ends when its pipe reaches end of file,
 * when the process is closed, or when the loop closes (which kills children still running).
 *
 * <p>Test support (virtual time) lives in {@code dev.asyncio4j.testing}.
 */
package dev.asyncio4j;
