package dev.asyncio4j.bench;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.bench.Workloads.check;

import dev.asyncio4j.Lock;
import dev.asyncio4j.Permit;
import dev.asyncio4j.Queue;
import dev.asyncio4j.Semaphore;
import dev.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The queue, semaphore and lock workloads of {@code ../shared/peers} as plain coroutines, shared by
 * {@link Workloads} (which times them) and the JMH benchmarks, so both run exactly the peers'
 * definitions. Each checks its own correctness and throws {@link IllegalStateException} if it fails.
 *
 * <pre>{@code
 * int peak = Asyncio.run(() -> SyncPrograms.semaphore(100_000));   // 1000
 * }</pre>
 */
public final class SyncPrograms {
    /** Permits of the {@code semaphore} workload's semaphore. */
    public static final int SEMAPHORE_PERMITS = 1_000;
    /** Tasks sharing the {@code lock} workload's lock. */
    public static final int LOCK_TASKS = 100;

    private SyncPrograms() {
    }

    /**
     * {@code pingpong}: two tasks pass a token through two {@code Queue(1)} for {@code n} round trips;
     * ping does {@code q1.put(i); q2.get()} and checks it got {@code i} back, pong does
     * {@code q2.put(q1.get())}. Call it from a task.
     *
     * @param n round trips
     */
    public static void pingpong(int n) {
        Queue<Integer> q1 = new Queue<>(1);
        Queue<Integer> q2 = new Queue<>(1);
        Task<Void> ping = createTask(() -> {
            for (int i = 0; i < n; i++) {
                q1.put(i);
                int x = q2.get();
                if (x != i) { // not check(...): the message would be built on every round trip
                    throw new IllegalStateException("check failed: pingpong: sent " + i + ", got back " + x);
                }
            }
            return null;
        });
        Task<Void> pong = createTask(() -> {
            for (int i = 0; i < n; i++) {
                q2.put(q1.get());
            }
            return null;
        });
        await(gather(ping, pong));
    }

    /**
     * {@code semaphore}: {@code n} tasks, all created up front, share one
     * {@code Semaphore(}{@value #SEMAPHORE_PERMITS}{@code )}; each holds a permit around
     * {@code sleep(Duration.ZERO)}; all are gathered. Checks that exactly
     * {@code min(n, }{@value #SEMAPHORE_PERMITS}{@code )} tasks held a permit at the busiest moment (FIFO
     * scheduling fills every permit before any holder resumes) and none at the end. Call it from a task.
     *
     * @param n tasks
     * @return the most tasks that held a permit at once
     */
    public static int semaphore(int n) {
        Semaphore sem = new Semaphore(SEMAPHORE_PERMITS);
        int[] holders = new int[2]; // [now, peak]: one task runs at a time, so plain ints suffice
        List<Task<Void>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(createTask(() -> {
                try (Permit permit = sem.acquire()) {
                    holders[1] = Math.max(holders[1], ++holders[0]);
                    sleep(Duration.ZERO);
                    holders[0]--;
                }
                return null;
            }));
        }
        await(gather(tasks));
        int expectedPeak = Math.min(n, SEMAPHORE_PERMITS);
        check(holders[1] == expectedPeak, "semaphore: peak holders " + holders[1] + ", expected " + expectedPeak);
        check(holders[0] == 0, "semaphore: " + holders[0] + " holders left");
        return holders[1];
    }

    /**
     * {@code lock}: {@value #LOCK_TASKS} tasks share one {@code Lock}; each does
     * {@code n / }{@value #LOCK_TASKS} iterations of: take the lock, read a shared counter,
     * {@code sleep(Duration.ZERO)}, write the counter back plus one. A broken mutual exclusion loses
     * updates, which the final count check catches. Call it from a task.
     *
     * @param n acquisitions; a multiple of {@value #LOCK_TASKS}
     * @throws IllegalArgumentException if {@code n} is not a multiple of {@value #LOCK_TASKS}
     */
    public static void lock(int n) {
        if (n % LOCK_TASKS != 0) {
            throw new IllegalArgumentException("lock: n must be a multiple of " + LOCK_TASKS + ", got " + n);
        }
        int perTask = n / LOCK_TASKS;
        Lock lock = new Lock();
        int[] counter = new int[1];
        List<Task<Void>> tasks = new ArrayList<>(LOCK_TASKS);
        for (int t = 0; t < LOCK_TASKS; t++) {
            tasks.add(createTask(() -> {
                for (int i = 0; i < perTask; i++) {
                    try (Permit held = lock.acquire()) {
                        int c = counter[0];
                        sleep(Duration.ZERO);
                        counter[0] = c + 1;
                    }
                }
                return null;
            }));
        }
        await(gather(tasks));
        check(counter[0] == n, "lock: mutual exclusion violated, counter " + counter[0] + " after " + n + " acquisitions");
    }
}
