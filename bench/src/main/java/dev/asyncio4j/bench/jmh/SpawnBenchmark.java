package dev.asyncio4j.bench.jmh;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;

import dev.asyncio4j.Task;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * The JMH benchmark of a task's whole life: create a trivial task, run it, gather its result, the
 * peers' {@code spawn}.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar SpawnBenchmark
 * }</pre>
 *
 * <p>Each invocation is one {@code runUntilComplete} on a loop kept open for the trial, in which the
 * main task creates {@value #OPS} tasks of {@code () -> i} with {@code createTask} and awaits
 * {@code gather} of them: the score is nanoseconds per task. Batches are smaller than the workload's
 * 200,000 tasks, so this measures the per-task path with a warm, small heap; the whole-program
 * {@code spawn} workload adds the cost of holding every task at once.
 */
public class SpawnBenchmark extends LoopState {
    /** Tasks per invocation. */
    public static final int OPS = 10_000;

    /**
     * Creates {@value #OPS} trivial tasks and gathers them.
     *
     * @return the sum of the results, for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public long createAndGather() {
        return loop.runUntilComplete(() -> {
            List<Task<Integer>> tasks = new ArrayList<>(OPS);
            for (int i = 0; i < OPS; i++) {
                int value = i;
                tasks.add(createTask(() -> value));
            }
            long sum = 0;
            for (int r : await(gather(tasks))) {
                sum += r;
            }
            if (sum != (long) OPS * (OPS - 1) / 2) {
                throw new IllegalStateException("spawn: bad sum " + sum);
            }
            return sum;
        });
    }
}
