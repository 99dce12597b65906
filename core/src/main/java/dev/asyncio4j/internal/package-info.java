/**
 * The engine behind {@code dev.asyncio4j}: the event loop with its baton hand-off between virtual
 * threads, the timer heap, the thread-safe inbox, the slow-step watchdog and the task registry. Not
 * part of the API; its types may change at any time.
 *
 * <p>Transports: sockets are driven by the loop's NIO selector ({@code SocketTransport}); the pipes
 * of child processes, which the JDK does not make selectable, by one helper platform thread each
 * ({@code PipeReadTransport}, {@code PipeWriteTransport}, under {@code ProcessTransport}), which hand
 * data to the loop with {@code callSoonThreadsafe} and block, rather than buffer, when the loop's side
 * does not keep up.
 *
 * <p>Why hand-written: no library gives asyncio's scheduling guarantee (one task of a loop at a time,
 * switches only at awaits, done-callbacks scheduled rather than run inline) on virtual threads. The
 * JDK's executors and {@code CompletableFuture} run continuations concurrently and inline, and
 * Kotlin's coroutines need a compiler plugin. The engine uses only the JDK.
 */
package dev.asyncio4j.internal;
