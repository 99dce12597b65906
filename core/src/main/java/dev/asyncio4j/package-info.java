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
 * <p>Test support (virtual time) lives in {@code dev.asyncio4j.testing}.
 */
package dev.asyncio4j;
