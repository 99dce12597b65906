package dev.asyncio4j.bench.jmh;

import dev.asyncio4j.bench.SyncPrograms;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * The JMH benchmarks of the queue, semaphore and lock workloads, the peers' {@code pingpong},
 * {@code semaphore} and {@code lock}, running the very coroutines of {@link SyncPrograms}.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar SyncBenchmark
 * java -jar bench/target/benchmarks.jar 'SyncBenchmark.lock' -prof gc
 * }</pre>
 *
 * <p>Each invocation is one {@code runUntilComplete} on a loop kept open for the trial; scores are
 * nanoseconds per operation: per round trip ({@link #pingpong}: four queue operations, two task
 * switches), per task ({@link #semaphore}: create, acquire, yield, release, finish) and per acquisition
 * ({@link #lock}: acquire, yield, release, one hand-off of the lock to a waiting task). Sizes are
 * smaller than the workloads' so an invocation stays around 10 ms.
 */
public class SyncBenchmark extends LoopState {
    /** Round trips per {@link #pingpong} invocation. */
    public static final int ROUND_TRIPS = 20_000;
    /** Tasks per {@link #semaphore} invocation. */
    public static final int TASKS = 10_000;
    /** Acquisitions per {@link #lock} invocation (a multiple of {@link SyncPrograms#LOCK_TASKS}). */
    public static final int ACQUISITIONS = 20_000;

    /**
     * Two tasks pass a token through two {@code Queue(1)}, {@value #ROUND_TRIPS} round trips.
     *
     * @return a value for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int pingpong() {
        return loop.runUntilComplete(() -> {
            SyncPrograms.pingpong(ROUND_TRIPS);
            return ROUND_TRIPS;
        });
    }

    /**
     * {@value #TASKS} tasks each hold a permit of a {@code Semaphore(1000)} around one yield.
     *
     * @return the peak number of holders, for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public int semaphore() {
        return loop.runUntilComplete(() -> SyncPrograms.semaphore(TASKS));
    }

    /**
     * 100 tasks take one {@code Lock} {@value #ACQUISITIONS} times in all, yielding while holding it.
     *
     * @return a value for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(ACQUISITIONS)
    public int lock() {
        return loop.runUntilComplete(() -> {
            SyncPrograms.lock(ACQUISITIONS);
            return ACQUISITIONS;
        });
    }
}
