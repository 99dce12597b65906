package dev.asyncio4j.bench.jmh;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.sleep;

import dev.asyncio4j.Task;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * The JMH benchmark of a suspension: the cost of one {@code sleep(Duration.ZERO)}, the peers' {@code switch}.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar SwitchBenchmark
 * }</pre>
 *
 * <p>Each invocation is one {@code runUntilComplete} on a loop kept open for the whole trial, doing
 * {@value #OPS} yields, so the score is nanoseconds per yield with the run's fixed cost spread thin;
 * {@link #emptyRun} measures that fixed cost alone. {@link #oneTask} is the peers' workload: the only
 * task resumes itself, with no thread switch. {@link #twoTasks} has two tasks yield in turn, so every
 * yield hands the baton to the other task's virtual thread: the price of a real task switch.
 */
public class SwitchBenchmark extends LoopState {
    /** Yields per invocation. */
    public static final int OPS = 100_000;

    /**
     * One task yields {@value #OPS} times.
     *
     * @return a value for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int oneTask() {
        return loop.runUntilComplete(() -> {
            for (int i = 0; i < OPS; i++) {
                sleep(Duration.ZERO);
            }
            return OPS;
        });
    }

    /**
     * Two tasks yield {@value #OPS} times in all, alternating.
     *
     * @return a value for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int twoTasks() {
        return loop.runUntilComplete(() -> {
            Task<Integer> other = createTask(() -> {
                for (int i = 0; i < OPS / 2; i++) {
                    sleep(Duration.ZERO);
                }
                return OPS / 2;
            });
            for (int i = 0; i < OPS / 2; i++) {
                sleep(Duration.ZERO);
            }
            return OPS / 2 + await(other);
        });
    }

    /**
     * A run of a coroutine that returns at once: the fixed cost inside every invocation above.
     *
     * @return a value for JMH to consume
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int emptyRun() {
        return loop.runUntilComplete(() -> 1);
    }
}
