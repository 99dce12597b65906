package dev.asyncio4j.examples;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Task;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Blocking code awaited from a task: the seed's section "(4) with threads and processes", which
 * awaits {@code time.sleep} run by {@code loop.run_in_executor} on a five-thread pool.
 *
 * <pre>{@code
 * 5 blocking sleeps of 1 unit each start on 5 threads
 * tick 1: the loop is free
 * tick 2: the loop is free
 * tick 3: the loop is free
 * 5 blocking sleeps done after ~1 unit
 * }</pre>
 *
 * <p>A blocking call made directly in a task ({@code Thread.sleep}, legacy I/O) would hold the loop
 * until it returns, as in asyncio. Handed to an executor, each one blocks a pool thread instead, and
 * the task awaits a future of its result: five one-unit sleeps on five threads end after about one
 * unit, and meanwhile another task keeps ticking on the loop.
 *
 * <p>The program owns the executor ({@code ThreadPoolExecutor(max_workers=5)} in the seed) and shuts
 * it down when it ends; {@code Asyncio.toThread} would use the loop's default executor instead.
 */
public final class RunInExecutor {
    private static final int SLEEPS = 5;

    private RunInExecutor() {
    }

    /**
     * Runs the program on standard output with one-second sleeps.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out, Duration.ofSeconds(1));
    }

    /**
     * Runs the program; it takes about one unit.
     *
     * @param out  where to print
     * @param unit how long each blocking sleep lasts
     */
    public static void run(PrintStream out, Duration unit) {
        try (ExecutorService executor = Executors.newFixedThreadPool(5)) {   // ThreadPoolExecutor(max_workers=5)
            Asyncio.run(() -> main(out, unit, executor));
        }                                                                    // shuts the pool down, joins its threads
    }

    static Void main(PrintStream out, Duration unit, ExecutorService executor) {
        EventLoop loop = Asyncio.getRunningLoop();
        Task<Void> ticker = createTask(() -> tick(out, unit));

        out.println(SLEEPS + " blocking sleeps of 1 unit each start on 5 threads");
        long start = loop.time();
        List<Future<Void>> sleeps = new ArrayList<>();
        for (int i = 0; i < SLEEPS; i++) {
            // await loop.run_in_executor(executor, time.sleep, 1)
            sleeps.add(loop.runInExecutor(executor, () -> {
                Thread.sleep(unit);
                return null;
            }));
        }
        await(gather(sleeps));
        double units = (double) (loop.time() - start) / unit.toNanos();
        out.println(SLEEPS + " blocking sleeps done after ~" + Math.round(units) + " unit");

        await(ticker);
        return null;
    }

    /** Shows that the loop runs other tasks while the sleeps block their threads: ticks every eighth of a unit. */
    static Void tick(PrintStream out, Duration unit) {
        for (int i = 1; i <= 3; i++) {
            sleep(unit.dividedBy(8));
            out.println("tick " + i + ": the loop is free");
        }
        return null;
    }
}
