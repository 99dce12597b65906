package dev.asyncio4j;

import java.util.Set;

/**
 * What {@link Asyncio#wait} returns: the futures that are done, in the order they completed, and
 * those still pending (asyncio's {@code (done, pending)} tuple).
 *
 * <pre>{@code
 * DoneAndPending<Task<String>> r = Asyncio.wait(tasks, Duration.ofSeconds(1), ReturnWhen.ALL_COMPLETED);
 * for (Task<String> t : r.done()) { System.out.println(t.result()); }
 * r.pending().forEach(Task::cancel);
 * }</pre>
 *
 * @param <F>     the future type
 * @param done    the finished or cancelled futures, in completion order; unmodifiable
 * @param pending the futures not done when the wait returned; unmodifiable
 */
public record DoneAndPending<F extends Future<?>>(Set<F> done, Set<F> pending) {
    /**
     * Creates the pair, keeping the given sets as they are.
     *
     * @param done    the finished futures
     * @param pending the pending futures
     */
    public DoneAndPending {
        done = java.util.Collections.unmodifiableSet(done);
        pending = java.util.Collections.unmodifiableSet(pending);
    }
}
