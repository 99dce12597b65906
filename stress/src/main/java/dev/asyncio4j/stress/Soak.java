package dev.asyncio4j.stress;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.shield;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.toThread;
import static dev.asyncio4j.Asyncio.waitFor;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Lock;
import dev.asyncio4j.Queue;
import dev.asyncio4j.Semaphore;
import dev.asyncio4j.Task;
import dev.asyncio4j.TaskGroup;
import dev.asyncio4j.TimeoutError;
import dev.asyncio4j.testing.VirtualTime;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak test: runs a mixed workload on one event loop for a given time (task groups, sleeps, queues,
 * locks, semaphores, expiring timeouts, waitFor, gather with failures, shield, cancellations, executor
 * jobs, foreign-thread completions, and a short-lived virtual-time loop per round), samples the heap
 * after a full GC every second, prints throughput, heap and RSS every 10 seconds, and fails when the
 * heap or the thread count shows a growth trend: a leak.
 *
 * <pre>{@code
 * java -Xmx128m -cp core.jar:stress.jar dev.asyncio4j.stress.Soak 10     # minutes; exit 1 on a leak
 * }</pre>
 */
public final class Soak {
    /** Samples of the first part of the run are warm-up (class loading, JIT, pools filling). */
    static final double WARM_UP = 0.3;
    /** Growth over the measured window that counts as a leak. */
    static final long LEAK_BYTES = 8L << 20;
    static final int LEAK_THREADS = 16;

    private Soak() {
    }

    /** What a soak run measured. */
    public record Result(long operations, List<Long> heapSamples, List<Integer> threadSamples, String verdict) {
        /**
         * Tells whether a growth trend was seen.
         *
         * @return {@code true} on a leak
         */
        public boolean leaked() {
            return verdict != null;
        }
    }

    /**
     * Runs the soak for the minutes given as the first argument (default 1; fractions allowed).
     *
     * @param args {@code [minutes]}
     */
    public static void main(String[] args) {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        Result r = run(Duration.ofMillis((long) (minutes * 60_000)), Duration.ofSeconds(10), System.out);
        if (r.leaked()) {
            System.out.println("FAIL: " + r.verdict());
            System.exit(1);
        }
        System.out.println("OK: no growth trend (" + r.operations() + " operations)");
    }

    /**
     * Runs the workload for {@code total}, printing a line every {@code reportEvery}.
     *
     * @param total       how long to run
     * @param reportEvery how often to print throughput, heap and RSS
     * @param out         where to print
     * @return the measurements and the verdict
     */
    public static Result run(Duration total, Duration reportEvery, PrintStream out) {
        AtomicLong ops = new AtomicLong();
        List<Long> heap = new ArrayList<>();
        List<Integer> threads = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + total.toNanos();
        Thread sampler = Thread.ofPlatform().daemon().name("soak-sampler").start(() -> sample(start, end, reportEvery, ops, heap, threads, out));
        Asyncio.run(() -> {
            Random random = new Random(42);
            Shared shared = new Shared();
            while (System.nanoTime() < end) {
                round(random, shared, ops);
            }
            return null;
        });
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (heap) {
            return new Result(ops.get(), List.copyOf(heap), List.copyOf(threads), verdict(heap, threads));
        }
    }

    /** Primitives shared by all rounds, so that a leak in their waiter bookkeeping accumulates. */
    private static final class Shared {
        final Lock lock = new Lock();
        final Semaphore semaphore = new Semaphore(5);
        final Queue<Integer> queue = new Queue<>(10);
        long counter;
    }

    private static void round(Random random, Shared shared, AtomicLong ops) {
        EventLoop loop = getRunningLoop();
        TaskGroup.run(tg -> {
            List<Task<?>> children = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int kind = random.nextInt(10);
                int seed = random.nextInt();
                children.add(tg.createTask(() -> {
                    try {
                        work(kind, new Random(seed), shared, loop);
                    } catch (TimeoutError | CancelledError e) {
                        // expected: expiring timeouts and random cancellations are part of the workload
                    }
                    ops.incrementAndGet();
                    return null;
                }));
            }
            sleep(Duration.ofMillis(1));
            for (int i = 0; i < 5; i++) {
                children.get(random.nextInt(children.size())).cancel();
            }
            return null;
        });
        if (random.nextInt(20) == 0) {
            toThread(() -> VirtualTime.run(() -> {
                sleep(Duration.ofHours(1));
                return null;
            }));
        }
    }

    private static void work(int kind, Random random, Shared shared, EventLoop loop) throws Exception {
        switch (kind) {
            case 0 -> sleep(Duration.ofMillis(random.nextInt(3)));
            case 1 -> {
                shared.queue.put(random.nextInt());
                shared.queue.get();
            }
            case 2 -> shared.lock.withLock(() -> {
                shared.counter++;
                sleep(Duration.ZERO);
                return null;
            });
            case 3 -> shared.semaphore.withPermit(() -> {
                sleep(Duration.ofMillis(1));
                return null;
            });
            case 4 -> Asyncio.timeout(Duration.ofMillis(1), scope -> {
                sleep(Duration.ofMillis(5));
                return null;
            });
            case 5 -> waitFor(createTask(() -> {
                sleep(Duration.ofMillis(5));
                return null;
            }), Duration.ofMillis(1));
            case 6 -> await(gather(true, createTask(() -> {
                throw new IOException("expected");
            }), createTask(() -> 1)));
            case 7 -> await(shield(createTask(() -> {
                sleep(Duration.ZERO);
                return 1;
            })));
            case 8 -> {
                CompletableFuture<Integer> cf = new CompletableFuture<>();
                Future<Integer> bridged = Future.from(cf);
                Thread.ofVirtual().start(() -> cf.complete(1));
                await(bridged);
                loop.callSoonThreadsafe(() -> { });
            }
            default -> toThread(() -> 1);
        }
    }

    private static void sample(long start, long end, Duration reportEvery, AtomicLong ops, List<Long> heap, List<Integer> threads,
                               PrintStream out) {
        long nextReport = start + reportEvery.toNanos();
        long opsAtReport = 0;
        long lastReport = start;
        var memory = ManagementFactory.getMemoryMXBean();
        var threadBean = ManagementFactory.getThreadMXBean();
        out.printf("%8s %14s %12s %10s %8s%n", "elapsed", "ops/s", "heap MiB", "RSS MiB", "threads");
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            int live = threadBean.getThreadCount();
            synchronized (heap) {
                heap.add(used);
                threads.add(live);
            }
            long now = System.nanoTime();
            if (now >= nextReport) {
                long done = ops.get();
                double rate = (done - opsAtReport) / ((now - lastReport) / 1e9);
                out.printf("%7ds %,14.0f %12.1f %10s %8d%n", Duration.ofNanos(now - start).toSeconds(), rate, used / 1048576.0, rssMiB(), live);
                opsAtReport = done;
                lastReport = now;
                nextReport += reportEvery.toNanos();
            }
        }
    }

    private static String rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format("%.1f", kb / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no RSS
        }
        return "n/a";
    }

    /**
     * Judges the samples: after the warm-up, a least-squares slope of the heap after GC that adds up to
     * more than {@link #LEAK_BYTES} over the window, confirmed by the last samples being that much above
     * the first ones (so one noisy sample cannot fail a run); or a thread count that grew by
     * {@link #LEAK_THREADS}.
     *
     * @param heap    heap used after a full GC, one sample per second
     * @param threads live thread count, one sample per second
     * @return why it looks like a leak, or {@code null}
     */
    static String verdict(List<Long> heap, List<Integer> threads) {
        int from = (int) (heap.size() * WARM_UP);
        List<Long> window = heap.subList(from, heap.size());
        if (window.size() < 6) {
            return null;
        }
        double slope = slope(window);
        double growth = slope * (window.size() - 1);
        long firstMin = window.subList(0, 3).stream().mapToLong(Long::longValue).min().orElseThrow();
        long lastMin = window.subList(window.size() - 3, window.size()).stream().mapToLong(Long::longValue).min().orElseThrow();
        if (growth > LEAK_BYTES && lastMin - firstMin > LEAK_BYTES) {
            return String.format("heap after GC grows %.1f KiB/s (%.1f MiB over %d s)", slope / 1024, growth / 1048576, window.size());
        }
        List<Integer> t = threads.subList(from, threads.size());
        int firstThreads = t.subList(0, 3).stream().mapToInt(Integer::intValue).min().orElseThrow();
        int lastThreads = t.subList(t.size() - 3, t.size()).stream().mapToInt(Integer::intValue).min().orElseThrow();
        if (lastThreads - firstThreads > LEAK_THREADS) {
            return "live threads grew from " + firstThreads + " to " + lastThreads;
        }
        return null;
    }

    private static double slope(List<Long> ys) {
        int n = ys.size();
        double meanX = (n - 1) / 2.0;
        double meanY = ys.stream().mapToLong(Long::longValue).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - meanX) * (ys.get(i) - meanY);
            den += (i - meanX) * (i - meanX);
        }
        return num / den;
    }
}
