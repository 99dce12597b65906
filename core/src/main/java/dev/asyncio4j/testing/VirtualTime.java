package dev.asyncio4j.testing;

import dev.asyncio4j.Coroutine;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Runner;
import dev.asyncio4j.internal.DefaultEventLoop;

/**
 * Event loops on virtual time, for tests: the clock starts at zero and, whenever every task is
 * blocked and nothing is ready, jumps straight to the next timer (Trio's {@code MockClock} with
 * autojump, kotlinx-coroutines-test's virtual time).
 *
 * <pre>{@code
 * @Test
 * void retriesForADay() {
 *     List<String> log = VirtualTime.run(() -> {
 *         List<String> events = new ArrayList<>();
 *         sleep(Duration.ofHours(1));                      // returns at once
 *         events.add("woke@" + Duration.ofNanos(getRunningLoop().time()).toSeconds() + "s");
 *         return events;                                   // ["woke@3600s"]
 *     });
 * }
 * }</pre>
 *
 * <p><b>Semantics.</b> Everything that runs on the loop's clock works unchanged: sleeps, timers,
 * timeouts, {@code waitFor}, task groups, queues. Ordering is exactly what real time would give for
 * timers, and deterministic: the same program produces the same sequence of events on every run.
 * The clock never jumps while a job started with {@code runInExecutor} or {@code toThread} is running:
 * the loop then waits for it in real time, so a real event is never overtaken by virtual time. While a
 * {@link dev.asyncio4j.Subprocess} runs, the clock runs at real speed (waits are real, up to the next
 * timer), so timeouts around a child mean what they say. Work
 * arriving from other threads by other routes ({@code callSoonThreadsafe}, {@code Future.from}) is
 * not waited for.
 */
public final class VirtualTime {
    private VirtualTime() {
    }

    /**
     * Creates a new, not running event loop on virtual time.
     *
     * @return the loop; close it when done
     */
    public static EventLoop newEventLoop() {
        return new DefaultEventLoop(true);
    }

    /**
     * Runs {@code main} on a new virtual-time loop and closes it, as {@code Asyncio.run} does.
     *
     * @param <T>  the result type
     * @param main the coroutine
     * @return its result; its failure is rethrown unchanged
     * @throws IllegalStateException if called from a running event loop
     */
    public static <T> T run(Coroutine<T> main) {
        try (Runner runner = new Runner(VirtualTime::newEventLoop)) {
            return runner.run(main);
        }
    }
}
