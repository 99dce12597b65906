package dev.asyncio4j.reliability;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.toThread;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop's thread-safe entry points hammered from many foreign threads at once: nothing submitted
 * is lost, nothing runs twice, nobody deadlocks, and after close every submission is refused with a
 * clear error. A dedicated harness rather than Lincheck: the properties are about hand-offs between
 * a running loop and free threads (completion, wake-up, close), which a linearizability checker of
 * sequential operations does not express. The class timeout is the deadlock detector.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrossThreadStressTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = Integer.getInteger("asyncio4j.stress.perThread", 5_000);

    /** Starts THREADS submitters, half platform and half virtual threads, all released together. */
    private static List<Thread> submitters(IntConsumer work) {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Runnable body = () -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                work.accept(id);
            };
            threads.add(t % 2 == 0 ? Thread.ofPlatform().start(body) : Thread.ofVirtual().start(body));
        }
        go.countDown();
        return threads;
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void callSoonThreadsafeRunsEverySubmissionOnceInPerThreadOrder() {
        int total = THREADS * PER_THREAD;
        AtomicIntegerArray runs = new AtomicIntegerArray(total);
        int[] lastSeq = new int[THREADS];
        List<String> disorder = new ArrayList<>();
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Void> all = loop.createFuture();
            int[] count = {0};
            java.util.Arrays.fill(lastSeq, -1);
            List<Thread> threads = submitters(t -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    int seq = i;
                    loop.callSoonThreadsafe(() -> {
                        runs.incrementAndGet(t * PER_THREAD + seq);
                        if (seq != lastSeq[t] + 1) {
                            disorder.add("thread " + t + ": " + seq + " after " + lastSeq[t]);
                        }
                        lastSeq[t] = seq;
                        if (++count[0] == total) {
                            all.setResult(null);
                        }
                    });
                }
            });
            await(all);
            toThread(() -> {
                joinAll(threads);
                return null;
            });
            return null;
        });
        assertThat(disorder).isEmpty();
        for (int i = 0; i < total; i++) {
            assertThat(runs.get(i)).as("runs of submission %d", i).isEqualTo(1);
        }
    }

    @Test
    void runCoroutineThreadsafeRunsEachCoroutineAtMostOnceAndCompletesEveryFuture() throws Exception {
        int perThread = PER_THREAD / 10;
        int total = THREADS * perThread;
        AtomicIntegerArray bodies = new AtomicIntegerArray(total);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            results.add(null);
        }
        AtomicInteger cancelledByCaller = new AtomicInteger();
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<Thread> threads = submitters(t -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < perThread; i++) {
                    int id = t * perThread + i;
                    CompletableFuture<Integer> cf = Asyncio.runCoroutineThreadsafe(() -> {
                        bodies.incrementAndGet(id);
                        sleep(Duration.ZERO);
                        return id;
                    }, loop);
                    synchronized (results) {
                        results.set(id, cf);
                    }
                    if (random.nextInt(5) == 0 && cf.cancel(true)) {
                        cancelledByCaller.incrementAndGet();
                    }
                }
            });
            toThread(() -> {
                joinAll(threads);
                for (CompletableFuture<Integer> cf : results) {
                    try {
                        cf.get(60, TimeUnit.SECONDS); // a lost completion fails here instead of hanging
                    } catch (CancellationException | ExecutionException e) {
                        // cancelled by its caller: checked below
                    }
                }
                return null;
            });
            return null;
        });
        for (int id = 0; id < total; id++) {
            CompletableFuture<Integer> cf = results.get(id);
            assertThat(bodies.get(id)).as("runs of coroutine %d", id).isLessThanOrEqualTo(1);
            if (!cf.isCancelled()) {
                assertThat(cf.get()).isEqualTo(id);
                assertThat(bodies.get(id)).isEqualTo(1);
            }
        }
        assertThat(cancelledByCaller.get()).isPositive();
    }

    @Test
    void foreignCompletionsOfBridgedFuturesWakeEveryWaiterOnce() {
        int total = THREADS * (PER_THREAD / 10);
        List<CompletableFuture<Integer>> sources = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            sources.add(new CompletableFuture<>());
        }
        AtomicIntegerArray woken = new AtomicIntegerArray(total);
        List<String> wrong = new ArrayList<>();
        Asyncio.run(() -> {
            List<Task<Void>> waiters = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                int id = i;
                Future<Integer> bridged = Future.from(sources.get(i));
                waiters.add(createTask(() -> {
                    String seen;
                    try {
                        seen = "result " + await(bridged);
                    } catch (dev.asyncio4j.CancelledError e) {
                        seen = "cancelled";
                    } catch (IllegalStateException e) {
                        seen = "exception " + e.getMessage();
                    }
                    woken.incrementAndGet(id);
                    String expected = switch (id % 3) {
                        case 0 -> "result " + id;
                        case 1 -> "exception " + id;
                        default -> "cancelled";
                    };
                    if (!seen.equals(expected)) {
                        wrong.add(id + ": " + seen + ", expected " + expected);
                    }
                    return null;
                }));
            }
            sleep(Duration.ZERO);
            List<Thread> threads = submitters(t -> {
                for (int id = t; id < total; id += THREADS) {
                    CompletableFuture<Integer> cf = sources.get(id);
                    switch (id % 3) {
                        case 0 -> cf.complete(id);
                        case 1 -> cf.completeExceptionally(new IllegalStateException(String.valueOf(id)));
                        default -> cf.cancel(true);
                    }
                }
            });
            await(Asyncio.gather(waiters));
            toThread(() -> {
                joinAll(threads);
                return null;
            });
            return null;
        });
        assertThat(wrong).isEmpty();
        for (int i = 0; i < total; i++) {
            assertThat(woken.get(i)).as("wake-ups of waiter %d", i).isEqualTo(1);
        }
    }

    @Test
    void foreignCancelRacingTheLoopsSetResultEndsTheFutureOnceAndWakesItsWaiter() {
        int rounds = PER_THREAD / 5;
        int[] outcomes = new int[3]; // result, cancelled, refused-direct-cancel
        Asyncio.run(() -> {
            for (int r = 0; r < rounds; r++) {
                Future<String> f = getRunningLoop().createFuture();
                Task<String> waiter = createTask(() -> {
                    try {
                        return await(f);
                    } catch (dev.asyncio4j.CancelledError e) {
                        return "cancelled";
                    }
                });
                CompletableFuture<String> mirror = f.toCompletableFuture();
                sleep(Duration.ZERO);
                Thread foreign = Thread.ofPlatform().start(() -> {
                    try {
                        f.cancel(); // refused: not the loop's thread (the loop is running)
                    } catch (IllegalStateException e) {
                        synchronized (outcomes) {
                            outcomes[2]++;
                        }
                    }
                    mirror.cancel(false); // allowed: cancels f through the loop
                });
                if (r % 2 == 0) {
                    f.setResult("set");
                }
                String seen = await(waiter);
                toThread(() -> {
                    foreign.join();
                    return null;
                });
                synchronized (outcomes) {
                    outcomes[seen.equals("set") ? 0 : 1]++;
                }
                assertThat(seen).isEqualTo(f.isCancelled() ? "cancelled" : "set");
            }
            return null;
        });
        assertThat(outcomes[0] + outcomes[1]).isEqualTo(rounds);
        assertThat(outcomes[2]).isEqualTo(rounds);
        assertThat(outcomes[1]).isPositive();
    }

    @Test
    void closeRacingThreadsafeSubmissionsLosesNothingAcceptedWhileRunningAndThenRefusesClearly() throws Exception {
        for (int round = 0; round < 20; round++) {
            EventLoop loop = Asyncio.newEventLoop();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<String> badErrors = new ArrayList<>();
            Thread driver = Thread.ofPlatform().start(() -> {
                loop.runForever();
                loop.close();
            });
            List<Thread> threads = submitters(t -> {
                for (int i = 0; i < PER_THREAD / 10; i++) {
                    try {
                        loop.callSoonThreadsafe(ran::incrementAndGet);
                        accepted.incrementAndGet();
                    } catch (IllegalStateException e) {
                        refused.incrementAndGet();
                        if (!e.getMessage().contains("closed")) {
                            synchronized (badErrors) {
                                badErrors.add(e.getMessage());
                            }
                        }
                    }
                }
            });
            Thread.sleep(ThreadLocalRandom.current().nextInt(3));
            int acceptedBeforeStop = accepted.get(); // these are in the inbox ahead of stop: they must run
            loop.callSoonThreadsafe(loop::stop);
            driver.join();
            joinAll(threads);
            assertThat(loop.isClosed()).isTrue();
            assertThat(badErrors).isEmpty();
            assertThat(ran.get()).isLessThanOrEqualTo(accepted.get()).isGreaterThanOrEqualTo(acceptedBeforeStop);
            assertThat(accepted.get() + refused.get()).isEqualTo(THREADS * (PER_THREAD / 10));
            int ranAtClose = ran.get();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> loop.callSoonThreadsafe(ran::incrementAndGet))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Asyncio.runCoroutineThreadsafe(() -> 1, loop))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThat(ran.get()).as("nothing runs after close").isEqualTo(ranAtClose);
        }
    }
}
