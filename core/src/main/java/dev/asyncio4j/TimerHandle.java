package dev.asyncio4j;

/**
 * A callback scheduled for a point in loop time by {@code callLater} or {@code callAt}: asyncio's
 * {@code TimerHandle}.
 *
 * <pre>{@code
 * TimerHandle h = loop.callLater(Duration.ofSeconds(5), () -> System.out.println("late"));
 * long due = h.when();   // loop.time() + 5 s, in nanoseconds
 * h.cancel();
 * }</pre>
 */
public interface TimerHandle extends Handle {
    /**
     * Returns when the callback is due, on the clock of {@link EventLoop#time()}.
     *
     * @return the deadline in nanoseconds of loop time
     */
    long when();
}
