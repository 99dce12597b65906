package dev.asyncio4j;

/**
 * A body of asynchronous code: what Python writes as {@code async def}, run by a {@link Task}.
 *
 * <pre>{@code
 * Coroutine<String> fetch = () -> {
 *     sleep(Duration.ofMillis(100));      // suspends only this task
 *     return "data";
 * };
 * Task<String> t = Asyncio.createTask(fetch);
 * }</pre>
 *
 * <p>A coroutine may call any method that awaits; there is no separate "async" method type. It may
 * throw any exception: whoever awaits its task receives that exception unchanged.
 *
 * @param <T> the result type; use {@link Void} and {@code return null} for no result
 */
@FunctionalInterface
public interface Coroutine<T> {
    /**
     * Runs the body to completion inside a task.
     *
     * @return the task's result
     * @throws Exception any failure, delivered unchanged to whoever awaits the task
     */
    T call() throws Exception;
}
