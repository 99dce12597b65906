package dev.asyncio4j.bench;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Task;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The whole-program benchmark runner: runs the workloads of {@code ../shared/peers} on asyncio4j, with
 * the peers' names, sizes and definitions, and prints one JSON line per run in the peers' format.
 *
 * <pre>{@code
 * java -cp "$(cat bench/target/classpath.txt):bench/target/classes" dev.asyncio4j.bench.Workloads \
 *     --workload switch --n 1000000 --repeat 3
 * {"system": "asyncio4j", "workload": "switch", "n": 1000000, "seconds": 0.1, "ops_per_s": 1.0e7, "peak_rss_mb": 60.1, ...}
 * }</pre>
 *
 * <p>Arguments: {@code --workload NAME|all} (default {@code all}), {@code --n N} (overrides every
 * workload's default size), {@code --repeat R} (default 1), {@code --warmups W} (default 1). One run is
 * one JVM: with {@code all} or {@code R > 1} this program starts itself once per run, with the same JVM
 * options and class path, and passes the children's lines through.
 *
 * <p>A run is: one untimed warm-up pass of the workload, then the timed pass, each in its own
 * {@link Asyncio#run} (a fresh loop, as the Python harness makes a fresh loop per run). As there, only
 * the work is timed, inside the main coroutine: not JVM start-up, nor loop creation or teardown.
 * {@code ops_per_s = n / seconds}; {@code peak_rss_mb} is VmHWM after the timed pass (it covers the
 * warm-up pass, which is the same workload); {@code baseline_rss_mb} is VmHWM before the warm-up.
 * Diagnostics as in the Python harness: {@code cpu_s}, this process's CPU time over the timed region, and
 * {@code foreign_cpu_s}, the CPU other processes used meanwhile (from /proc/stat), to spot disturbed runs;
 * and, ours only, {@code gc_pause_s}, this JVM's GC pause time within the timed region.
 *
 * <p>The workloads (definitions of {@code ../shared/peers/python/README.md}):
 * <ul>
 * <li>{@code switch} (N = 1,000,000): one task, the main one, does {@code sleep(Duration.ZERO)} N times.
 * <li>{@code spawn} (200,000): N tasks of the trivial coroutine {@code () -> i} made with
 *     {@code createTask}, then {@code await(gather(tasks))}; the sum is checked after the timed region.
 * <li>{@code pingpong} (200,000): two tasks pass a token through two {@code Queue(1)}: ping does
 *     {@code q1.put(i); q2.get()} (and checks it got {@code i} back), pong does {@code q2.put(q1.get())};
 *     N round trips, both tasks gathered.
 * <li>{@code sleepers} (100,000): N tasks each {@code sleep(0.5 s)} at once, gathered; creation is timed
 *     too; also reports {@code overhead_s = seconds - 0.5}, and {@code heap_per_task_b}, the heap a
 *     sleeping task holds, measured in an untimed pass after the timed one (see
 *     {@link #sleepers(int, boolean)}); {@code peak_rss_mb} is read before that pass.
 * <li>{@code semaphore} (100,000): N tasks, all created up front, share one {@code Semaphore(1000)};
 *     each holds a permit around {@code sleep(Duration.ZERO)}; gathered. After the timed region it checks
 *     that at most 1000 tasks held a permit at once and that 1000 did (reported as {@code peak_holders}).
 * <li>{@code lock} (200,000, rounded down to a multiple of 100): 100 tasks share one {@code Lock}; each
 *     does N/100 iterations of: take the lock, read a shared counter, {@code sleep(Duration.ZERO)}, write
 *     the counter back plus one. A lost update (broken mutual exclusion) fails the final count check.
 * <li>{@code timeouts} (200,000): N iterations, one after another in one task, of
 *     {@code Asyncio.timeout(10 s, scope -> sleep(Duration.ZERO))}: each arms and disarms one 10 s timer.
 * <li>{@code executor} (50,000, rounded down to a multiple of 100): N calls of
 *     {@code runInExecutor(null, () -> i + 1)}, 100 at a time, each batch gathered; the loop's default
 *     executor is created lazily inside the timed region; the sum is checked.
 * <li>{@code echo} (200,000): TCP echo of 64-byte messages over loopback, 50 clients and the server on
 *     one loop; see {@link EchoWorkload}.
 * </ul>
 */
public final class Workloads {
    /** The {@code system} field of our lines. */
    static final String SYSTEM = "asyncio4j";

    static final Duration SLEEPER_DELAY = Duration.ofMillis(500);
    static final Duration TIMEOUT_DELAY = Duration.ofSeconds(10);
    static final int EXECUTOR_BATCH = 100;

    private Workloads() {
    }

    /** A workload: its name (as in the peers), its default size and one pass of it. */
    enum Workload {
        SWITCH(1_000_000) {
            @Override
            Measured pass(int n) {
                return Asyncio.run(() -> switchLoop(n));
            }
        },
        SPAWN(200_000) {
            @Override
            Measured pass(int n) {
                return Asyncio.run(() -> spawnAndGather(n));
            }
        },
        PINGPONG(200_000) {
            @Override
            Measured pass(int n) {
                return Asyncio.run(() -> pingpong(n));
            }
        },
        SLEEPERS(100_000) {
            @Override
            Measured pass(int n) {
                return Asyncio.run(() -> sleepers(n, false));
            }

            @Override
            Measured probe(int n) {
                return Asyncio.run(() -> sleepers(n, true));
            }
        },
        SEMAPHORE(100_000) {
            @Override
            Measured pass(int n) {
                return Asyncio.run(() -> semaphore(n));
            }
        },
        LOCK(200_000) {
            @Override
            Measured pass(int n) {
                return Asyncio.run(() -> lock(n));
            }
        },
        TIMEOUTS(200_000) {
            @Override
            Measured pass(int n) {
                return Asyncio.run(() -> timeouts(n));
            }
        },
        EXECUTOR(50_000) {
            @Override
            Measured pass(int n) {
                return Asyncio.run(() -> executor(n));
            }
        },
        ECHO(200_000) {
            @Override
            Measured pass(int n) {
                return Asyncio.run(() -> EchoWorkload.echo(n, EchoWorkload.CLIENTS));
            }
        };

        final int defaultN;

        Workload(int defaultN) {
            this.defaultN = defaultN;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Runs one pass on a fresh loop and returns what was measured inside it. */
        abstract Measured pass(int n) throws Exception;

        /**
         * Runs an untimed pass after the timed one, warm, to measure what would disturb the clock;
         * the timed pass's line carries the probe's extras. Most workloads have none.
         *
         * @return what the probe measured, or {@code null} if this workload has no probe
         */
        Measured probe(int n) throws Exception {
            return null;
        }

        static Workload of(String label) {
            for (Workload w : values()) {
                if (w.label().equals(label)) {
                    return w;
                }
            }
            throw new IllegalArgumentException("unknown workload '" + label + "'; known: " + labels() + ", all");
        }

        static List<String> labels() {
            return Arrays.stream(values()).map(Workload::label).toList();
        }
    }

    // ---------------------------------------------------------------- the workloads (coroutines)

    static Measured switchLoop(int n) {
        Meter meter = Meter.start();
        for (int i = 0; i < n; i++) {
            sleep(Duration.ZERO);
        }
        return meter.stop(n);
    }

    static Measured spawnAndGather(int n) {
        Meter meter = Meter.start();
        List<Task<Integer>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int value = i;
            tasks.add(createTask(() -> value));
        }
        List<Integer> results = await(gather(tasks));
        Measured measured = meter.stop(n);
        long sum = 0;
        for (int r : results) {
            sum += r;
        }
        check(sum == (long) n * (n - 1) / 2, "spawn: bad sum " + sum);
        return measured;
    }

    static Measured pingpong(int n) {
        Meter meter = Meter.start();
        SyncPrograms.pingpong(n);
        return meter.stop(n);
    }

    /**
     * The sleepers workload. With {@code measureHeap} (an untimed pass), it also reports
     * {@code heap_per_task_b}: the heap in use after a full GC once every task is parked in its sleep,
     * minus the heap in use after a full GC before the first task was created, divided by N. That is
     * everything a sleeping task keeps reachable: the task, its fiber, its virtual thread with the
     * continuation's stack chunks (virtual-thread stacks live in the heap), the timer and its future,
     * and the task's slot in the list being gathered.
     */
    static Measured sleepers(int n, boolean measureHeap) {
        long before = measureHeap ? Machine.heapUsedAfterGc() : 0;
        Meter meter = Meter.start();
        List<Task<Void>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(createTask(() -> {
                sleep(SLEEPER_DELAY);
                return null;
            }));
        }
        long parked = 0;
        if (measureHeap) {
            sleep(Duration.ZERO); // the ready queue is FIFO: every task runs to its sleep before this returns
            parked = Machine.heapUsedAfterGc();
        }
        await(gather(tasks));
        Measured measured = meter.stop(n);
        measured = measured.with("overhead_s", measured.seconds() - SLEEPER_DELAY.toNanos() / 1e9, 6);
        return measureHeap ? measured.with("heap_per_task_b", (double) (parked - before) / n, 0) : measured;
    }

    static Measured semaphore(int n) {
        Meter meter = Meter.start();
        int peak = SyncPrograms.semaphore(n);
        return meter.stop(n).with("peak_holders", peak, 0);
    }

    static Measured lock(int requested) {
        int n = requested / SyncPrograms.LOCK_TASKS * SyncPrograms.LOCK_TASKS;
        Meter meter = Meter.start();
        SyncPrograms.lock(n);
        return meter.stop(n);
    }

    static Measured timeouts(int n) {
        Meter meter = Meter.start();
        for (int i = 0; i < n; i++) {
            Asyncio.timeout(TIMEOUT_DELAY, scope -> {
                sleep(Duration.ZERO);
                return null;
            });
        }
        return meter.stop(n);
    }

    static Measured executor(int requested) {
        int n = requested / EXECUTOR_BATCH * EXECUTOR_BATCH;
        EventLoop loop = getRunningLoop();
        long total = 0;
        Meter meter = Meter.start();
        for (int base = 0; base < n; base += EXECUTOR_BATCH) {
            List<Future<Integer>> batch = new ArrayList<>(EXECUTOR_BATCH);
            for (int i = base; i < base + EXECUTOR_BATCH; i++) {
                int value = i;
                batch.add(loop.runInExecutor(null, () -> smallBlockingFn(value)));
            }
            for (int r : await(gather(batch))) {
                total += r;
            }
        }
        Measured measured = meter.stop(n);
        check(total == (long) n * (n - 1) / 2 + n, "executor: bad sum " + total);
        // The size asyncio4j's default executor has, as asyncio's: min(32, cpus + 4).
        return measured.with("executor_workers", Math.min(32, Runtime.getRuntime().availableProcessors() + 4), 0);
    }

    static int smallBlockingFn(int i) {
        return i + 1;
    }

    /** Throws if a workload's correctness check failed. */
    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("check failed: " + what);
        }
    }

    // ---------------------------------------------------------------- driver

    /**
     * Runs the workloads named by the arguments; see the class comment.
     *
     * @param args {@code --workload NAME|all --n N --repeat R --warmups W}
     * @throws Exception if a workload fails; the exit status is then non-zero
     */
    public static void main(String[] args) throws Exception {
        String workload = "all";
        Integer n = null;
        int repeat = 1;
        int warmups = 1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--workload" -> workload = required(args[i], value);
                case "--n" -> n = Integer.parseInt(required(args[i], value).replace("_", ""));
                case "--repeat" -> repeat = Integer.parseInt(required(args[i], value));
                case "--warmups" -> warmups = Integer.parseInt(required(args[i], value));
                case "-h", "--help" -> {
                    System.out.println("usage: Workloads [--workload " + String.join("|", Workload.labels())
                            + "|all] [--n N] [--repeat R] [--warmups W]");
                    return;
                }
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        List<Workload> chosen = workload.equals("all") ? List.of(Workload.values()) : List.of(Workload.of(workload));
        if (chosen.size() == 1 && repeat == 1) {
            runOne(chosen.get(0), n != null ? n : chosen.get(0).defaultN, warmups);
            return;
        }
        int failures = 0;
        for (Workload w : chosen) {
            for (int r = 0; r < repeat; r++) {
                failures += runChild(w, n, warmups) == 0 ? 0 : 1;
            }
        }
        if (failures > 0) {
            System.err.println("# " + failures + " run(s) failed");
            System.exit(1);
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("Workloads: " + problem + "; usage: Workloads [--workload "
                + String.join("|", Workload.labels()) + "|all] [--n N] [--repeat R] [--warmups W]");
        System.exit(2);
    }

    /** One run in this JVM: warm-up passes, the timed pass, one JSON line on stdout. */
    static void runOne(Workload w, int n, int warmups) throws Exception {
        double baselineRssMb = Machine.peakRssMb();
        for (int i = 1; i <= warmups; i++) {
            Measured warm = w.pass(n);
            System.err.printf(Locale.ROOT, "# %s %s n=%d warm-up %d: %.4f s%n", SYSTEM, w.label(), warm.n(), i, warm.seconds());
        }
        Measured m = w.pass(n);
        double peakRssMb = Machine.peakRssMb();
        Measured probe = w.probe(n);
        if (probe != null) {
            for (Measured.Extra e : probe.extras()) {
                if (m.extras().stream().noneMatch(x -> x.key().equals(e.key()))) {
                    m = m.with(e.key(), e.value(), e.decimals());
                }
            }
        }
        System.out.println(m.toJson(w.label(), peakRssMb, baselineRssMb));
        System.out.flush();
    }

    /** One run in a new JVM like this one; its output goes straight to ours. */
    private static int runChild(Workload w, Integer n, int warmups) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Workloads.class.getName(),
                "--workload", w.label(), "--repeat", "1", "--warmups", Integer.toString(warmups)));
        if (n != null) {
            command.addAll(List.of("--n", n.toString()));
        }
        int status = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (status != 0) {
            System.err.println("# workload " + w.label() + " failed with exit status " + status);
        }
        return status;
    }
}
