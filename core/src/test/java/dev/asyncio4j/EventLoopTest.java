package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.currentTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.toThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Unit tests of the event loop's guarantees, through the public API. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopTest {
    private EventLoop loop;
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        loop = Asyncio.newEventLoop();
        // Machines running these tests may be loaded: a step descheduled for 100 ms would be reported
        // as slow. Tests that are about slow steps turn the check on with their own threshold.
        loop.setSlowCallbackDuration(Duration.ZERO);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Thread t : started) {
            t.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(t.isAlive()).as("test thread %s still alive", t.getName()).isFalse();
        }
        if (!loop.isRunning()) {
            loop.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Records every context passed to the exception handler. */
    static final class Contexts implements BiConsumer<EventLoop, Map<String, Object>> {
        final List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();

        @Override
        public void accept(EventLoop l, Map<String, Object> context) {
            seen.add(Map.copyOf(context));
        }

        List<Map<String, Object>> withMessage(String prefix) {
            return seen.stream().filter(c -> String.valueOf(c.get("message")).startsWith(prefix)).toList();
        }
    }

    private Thread platform(String name, ThrowingRunnable body) {
        Thread t = Thread.ofPlatform().name(name).unstarted(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        started.add(t);
        t.start();
        return t;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void runOnce() {
        loop.stop();
        loop.runForever();
    }

    private Contexts handler() {
        Contexts c = new Contexts();
        loop.setExceptionHandler(c);
        return c;
    }

    private static void block(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ scheduling order

    @Test
    void callSoonThreadsafeFromEightPlatformThreadsLosesNothingAndKeepsPerThreadOrder() {
        int producers = 8;
        int perThread = 10_000;
        List<List<Integer>> seen = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            seen.add(new ArrayList<>(perThread));
        }
        int[] total = {0};
        TimerHandle safety = loop.callLater(Duration.ofSeconds(30), loop::stop);
        CountDownLatch go = new CountDownLatch(1);
        loop.callSoon(() -> {
            for (int p = 0; p < producers; p++) {
                int id = p;
                platform("producer-" + p, () -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        int seq = i;
                        loop.callSoonThreadsafe(() -> {
                            seen.get(id).add(seq);
                            if (++total[0] == producers * perThread) {
                                loop.stop();
                            }
                        });
                        if (i % 2_500 == 0) {
                            Thread.sleep(1); // let the loop go idle so that wake-ups are exercised too
                        }
                    }
                });
            }
            go.countDown();
        });
        loop.runForever();
        safety.cancel();
        assertThat(total[0]).isEqualTo(producers * perThread);
        for (int p = 0; p < producers; p++) {
            List<Integer> s = seen.get(p);
            assertThat(s).as("producer %d", p).hasSize(perThread);
            for (int i = 0; i < perThread; i++) {
                if (s.get(i) != i) {
                    throw new AssertionError("producer " + p + ": position " + i + " holds " + s.get(i));
                }
            }
        }
    }

    @Test
    void callSoonRunsCallbacksInFifoOrderSkippingCancelledOnes() {
        List<Integer> order = new ArrayList<>();
        List<Handle> handles = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int k = i;
            handles.add(loop.callSoon(() -> order.add(k)));
        }
        for (int i = 0; i < 1_000; i += 7) {
            handles.get(i).cancel();
        }
        runOnce();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            if (i % 7 != 0) {
                expected.add(i);
            }
        }
        assertThat(order).isEqualTo(expected);
    }

    @Test
    void timersFireByDeadlineAndEqualDeadlinesInSchedulingOrder() {
        List<String> order = new ArrayList<>();
        long base = loop.time();
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            offsets.add(i);
        }
        Collections.shuffle(offsets, new Random(42));
        for (int off : offsets) {
            loop.callAt(base + TimeUnit.MICROSECONDS.toNanos(off * 100L), () -> order.add("t" + off));
        }
        long same = base + TimeUnit.MILLISECONDS.toNanos(5);
        for (int i = 0; i < 5; i++) {
            int k = i;
            loop.callAt(same, () -> order.add("same" + k));
        }
        loop.callAt(same + 1, loop::stop);
        loop.runForever();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add("t" + i);
        }
        for (int i = 0; i < 5; i++) {
            expected.add("same" + i);
        }
        assertThat(order).isEqualTo(expected);
    }

    @Test
    void cancelledTimerNeverRunsAndDoesNotDelayTheLoop() {
        List<String> calls = new ArrayList<>();
        TimerHandle late = loop.callLater(Duration.ofMillis(5), () -> calls.add("cancelled"));
        loop.callLater(Duration.ofMillis(15), () -> {
            calls.add("kept");
            loop.stop();
        });
        late.cancel();
        assertThat(late.isCancelled()).isTrue();
        loop.runForever();
        assertThat(calls).containsExactly("kept");
    }

    @Test
    void extremeDelaysSaturateInsteadOfOverflowing() {
        List<String> calls = new ArrayList<>();
        TimerHandle never = loop.callLater(Duration.ofSeconds(Long.MAX_VALUE), () -> calls.add("never"));
        TimerHandle past = loop.callLater(Duration.ofSeconds(Long.MIN_VALUE), () -> calls.add("past"));
        assertThat(never.when()).isEqualTo(Long.MAX_VALUE);
        assertThat(past.when()).isEqualTo(Long.MIN_VALUE);
        long t0 = System.nanoTime();
        runOnce();
        loop.callLater(Duration.ofMillis(5), loop::stop);
        loop.runForever();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
        assertThat(calls).containsExactly("past");
    }

    // ------------------------------------------------------------------ stop / run semantics

    @Test
    void stopBeforeRunForeverRunsExactlyOneIteration() {
        List<String> calls = new ArrayList<>();
        loop.callSoon(() -> {
            calls.add("a");
            loop.callSoon(() -> calls.add("b"));
        });
        loop.stop();
        loop.runForever();
        assertThat(calls).containsExactly("a");
        assertThat(loop.isRunning()).isFalse();
        loop.callSoon(loop::stop);
        loop.runForever();
        assertThat(calls).containsExactly("a", "b");
    }

    @Test
    void stopInsideACallbackFinishesTheCurrentIterationOnly() {
        List<String> calls = new ArrayList<>();
        loop.callSoon(() -> {
            calls.add("a");
            loop.stop();
            loop.callSoon(() -> calls.add("c"));
        });
        loop.callSoon(() -> calls.add("b"));
        loop.runForever();
        assertThat(calls).containsExactly("a", "b");
        runOnce();
        assertThat(calls).containsExactly("a", "b", "c");
    }

    @Test
    void stopBeforeATaskStartsStillLetsItRunItsFirstStep() {
        List<String> log = new ArrayList<>();
        Task<Void> t = loop.createTask(() -> {
            log.add("step1");
            sleep(Duration.ZERO);
            log.add("step2");
            return null;
        });
        runOnce();
        assertThat(log).containsExactly("step1");
        assertThat(t.isDone()).isFalse();
        loop.runUntilComplete(t);
        assertThat(log).containsExactly("step1", "step2");
    }

    @Test
    void isRunningAndRunningLoopAreVisibleInsideAndNotOutside() throws Exception {
        List<Object> seen = new ArrayList<>();
        AtomicBoolean seenFromOtherThread = new AtomicBoolean();
        CountDownLatch checked = new CountDownLatch(1);
        loop.callSoon(() -> {
            seen.add(loop.isRunning());
            seen.add(getRunningLoop());
            seen.add(currentTask());
            platform("observer", () -> {
                seenFromOtherThread.set(loop.isRunning());
                checked.countDown();
            });
        });
        Task<Object> t = loop.createTask(() -> {
            assertThat(checked.await(20, TimeUnit.SECONDS)).isTrue();
            return currentTask();
        });
        assertThat(loop.runUntilComplete(t)).isSameAs(t);
        assertThat(seen).containsExactly(true, loop, null);
        assertThat(seenFromOtherThread).isTrue();
        assertThat(loop.isRunning()).isFalse();
        assertThatThrownBy(Asyncio::getRunningLoop).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void runUntilCompleteRethrowsFailuresUnchangedAndCancellationAsCancelledError() {
        IOException io = new IOException("disk");
        assertThatThrownBy(() -> loop.runUntilComplete(() -> {
            sleep(Duration.ofMillis(1));
            throw io;
        })).isSameAs(io);
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> f.cancel("because"));
        assertThatThrownBy(() -> loop.runUntilComplete(f)).isInstanceOf(CancelledError.class).hasMessage("because");
    }

    @Test
    void doneCallbacksAreScheduledNotRunInline() {
        List<String> calls = new ArrayList<>();
        Future<Integer> f = loop.createFuture();
        f.addDoneCallback(done -> calls.add("cb1:" + done.result()));
        f.setResult(7);
        assertThat(calls).as("setResult must not run callbacks inline").isEmpty();
        f.addDoneCallback(done -> calls.add("cb2"));
        assertThat(calls).as("a callback added to a done future is scheduled, not run").isEmpty();
        runOnce();
        assertThat(calls).containsExactly("cb1:7", "cb2");
    }

    @Test
    void eagerTasksRunUpToTheirFirstSuspensionInsideCreateTask() {
        loop.setEagerTasks(true);
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Void> child = createTask(() -> {
                log.add("child-start");
                sleep(Duration.ZERO);
                log.add("child-resume");
                return null;
            });
            log.add("created");
            Task<Integer> instant = createTask(() -> 5);
            assertThat(instant.isDone()).as("a coroutine that never suspends is done at once").isTrue();
            assertThat(instant.result()).isEqualTo(5);
            await(child);
            return null;
        });
        assertThat(log).containsExactly("child-start", "created", "child-resume");
    }

    // ------------------------------------------------------------------ the baton

    @Test
    void taskBlockedInThreadSleepKeepsTheBaton() {
        List<String> log = new CopyOnWriteArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Void> a = createTask(() -> {
                log.add("a-start");
                block(30);
                log.add("a-end");
                sleep(Duration.ZERO);
                log.add("a-resumed");
                return null;
            });
            Task<Void> b = createTask(() -> {
                log.add("b");
                return null;
            });
            getRunningLoop().callSoon(() -> log.add("callback"));
            getRunningLoop().callLater(Duration.ofMillis(1), () -> log.add("timer"));
            await(gather(a, b));
            return null;
        });
        assertThat(log.subList(0, 2)).containsExactly("a-start", "a-end");
        assertThat(log).containsSubsequence("a-end", "b", "callback").contains("timer", "a-resumed");
    }

    @Test
    void taskBlockedOnAContendedMonitorKeepsTheBaton() {
        Object monitor = new Object();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch aboutToLock = new CountDownLatch(1);
        platform("monitor-holder", () -> {
            synchronized (monitor) {
                held.countDown();
                aboutToLock.await(20, TimeUnit.SECONDS);
                Thread.sleep(30);
            }
        });
        List<String> log = new CopyOnWriteArrayList<>();
        long[] blockedNanos = {0};
        loop.runUntilComplete(() -> {
            assertThat(held.await(20, TimeUnit.SECONDS)).isTrue();
            Task<Void> a = createTask(() -> {
                log.add("a-start");
                aboutToLock.countDown();
                long t0 = System.nanoTime();
                synchronized (monitor) {
                    log.add("a-locked");
                }
                blockedNanos[0] = System.nanoTime() - t0;
                log.add("a-end");
                return null;
            });
            Task<Void> b = createTask(() -> {
                log.add("b");
                return null;
            });
            await(gather(a, b));
            return null;
        });
        assertThat(TimeUnit.NANOSECONDS.toMillis(blockedNanos[0])).as("a really blocked").isGreaterThanOrEqualTo(10);
        assertThat(log).containsExactly("a-start", "a-locked", "a-end", "b");
    }

    @Test
    void taskBlockedInABlockingQueueTakeKeepsTheBatonAndTimersWait() {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
        CountDownLatch waiting = new CountDownLatch(1);
        platform("queue-feeder", () -> {
            waiting.await(20, TimeUnit.SECONDS);
            Thread.sleep(30);
            queue.put("item");
        });
        List<String> log = new CopyOnWriteArrayList<>();
        loop.runUntilComplete(() -> {
            getRunningLoop().callLater(Duration.ofMillis(1), () -> log.add("timer"));
            Task<Void> a = createTask(() -> {
                log.add("a-start");
                waiting.countDown();
                log.add("a-took-" + queue.take());
                return null;
            });
            Task<Void> b = createTask(() -> {
                log.add("b");
                return null;
            });
            await(gather(a, b));
            sleep(Duration.ofMillis(2));
            return null;
        });
        assertThat(log.subList(0, 2)).containsExactly("a-start", "a-took-item");
        assertThat(log).contains("b", "timer");
    }

    @Test
    void sharedStateNeedsNoLockBetweenAwaits() {
        int[] counter = {0};
        int tasks = 50;
        int rounds = 200;
        loop.runUntilComplete(() -> {
            List<Task<Void>> all = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                all.add(createTask(() -> {
                    for (int r = 0; r < rounds; r++) {
                        int read = counter[0];
                        Thread.onSpinWait();
                        counter[0] = read + 1; // a lost update would show if two tasks interleaved here
                        sleep(Duration.ZERO);
                    }
                    return null;
                }));
            }
            await(gather(all));
            return null;
        });
        assertThat(counter[0]).isEqualTo(tasks * rounds);
    }

    /** Samples a thread's state: a parked thread is WAITING, a busy-spinning one RUNNABLE. */
    private Thread sampleRunnable(AtomicReference<Thread> target, int[] runnableSamples, CountDownLatch done) {
        return platform("sampler", () -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (target.get() == null && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                Thread t = target.get();
                Thread.sleep(10);
                for (int i = 0; i < 40; i++) {
                    if (t.getState() == Thread.State.RUNNABLE) {
                        runnableSamples[0]++;
                    }
                    Thread.sleep(2);
                }
            } finally {
                done.countDown();
            }
        });
    }

    @Test
    void aTaskLeavingItsInterruptStatusSetDoesNotMakeTheIdleLoopSpin() {
        AtomicReference<Thread> taskThread = new AtomicReference<>();
        int[] runnableSamples = {0};
        CountDownLatch sampled = new CountDownLatch(1);
        sampleRunnable(taskThread, runnableSamples, sampled);
        boolean stillInterrupted = loop.runUntilComplete(() -> {
            taskThread.set(Thread.currentThread());
            Thread.currentThread().interrupt();
            while (sampled.getCount() > 0) {
                sleep(Duration.ofMillis(20)); // the loop idles on this task's thread
            }
            return Thread.currentThread().isInterrupted();
        });
        assertThat(runnableSamples[0]).as("samples of 40 in which the idle loop was running").isLessThanOrEqualTo(10);
        assertThat(stillInterrupted).as("the task's interrupt status is left as it was").isTrue();
    }

    @Test
    void anInterruptedTaskWaitingForTheBatonDoesNotSpin() {
        AtomicReference<Thread> waiting = new AtomicReference<>();
        int[] runnableSamples = {0};
        CountDownLatch sampled = new CountDownLatch(1);
        sampleRunnable(waiting, runnableSamples, sampled);
        boolean stillInterrupted = loop.runUntilComplete(() -> {
            Task<Boolean> a = createTask(() -> {
                Thread.currentThread().interrupt();
                waiting.set(Thread.currentThread());
                sleep(Duration.ZERO); // hands the baton to b, then waits for it
                return Thread.currentThread().isInterrupted();
            });
            Task<Void> b = createTask(() -> {
                assertThat(sampled.await(20, TimeUnit.SECONDS)).isTrue(); // b keeps the baton meanwhile
                return null;
            });
            await(b);
            return await(a);
        });
        assertThat(runnableSamples[0]).as("samples of 40 in which the waiting task was running").isLessThanOrEqualTo(10);
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void aTasksInterruptStatusDoesNotLeakIntoTheNextTask() {
        String second = loop.runUntilComplete(() -> {
            Task<Void> first = createTask(() -> {
                Thread.currentThread().interrupt(); // and finishes without clearing it
                return null;
            });
            Task<String> next = createTask(() -> {
                if (Thread.currentThread().isInterrupted()) {
                    return "started interrupted";
                }
                Thread.sleep(1);
                return "clean";
            });
            await(first);
            return await(next);
        });
        assertThat(second).isEqualTo("clean");
    }

    @Test
    void anEagerCreateTaskKeepsTheCallersInterruptStatus() {
        loop.setEagerTasks(true);
        boolean kept = loop.runUntilComplete(() -> {
            Thread.currentThread().interrupt();
            Task<Void> child = createTask(() -> {
                sleep(Duration.ZERO); // suspends: the baton comes back to the caller
                return null;
            });
            boolean status = Thread.interrupted(); // read and clear before awaiting
            await(child);
            return status;
        });
        assertThat(kept).isTrue();
    }

    @Test
    void closeKeepsTheCallersInterruptStatus() {
        loop.createTask(() -> {
            sleep(Duration.ofSeconds(30));
            return null;
        });
        runOnce();
        Thread.currentThread().interrupt();
        try {
            loop.close();
        } finally {
            assertThat(Thread.interrupted()).as("interrupt status of the thread that called close()").isTrue();
        }
    }

    // ------------------------------------------------------------------ many tasks, no threads left

    @Test
    void hundredThousandTasksCompleteAndLeaveNoPlatformThreadBehind() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        AtomicBoolean watchdogSeen = new AtomicBoolean();
        long sum;
        try (Runner runner = new Runner(true)) {
            sum = runner.run(() -> {
                watchdogSeen.set(Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().startsWith("asyncio4j-watchdog")));
                toThread(() -> null); // starts a default-executor thread that run() must shut down
                List<Task<Integer>> ts = new ArrayList<>(100_000);
                for (int i = 0; i < 100_000; i++) {
                    int k = i;
                    ts.add(createTask(() -> {
                        sleep(Duration.ZERO);
                        return k;
                    }));
                }
                long s = 0;
                for (int v : await(gather(ts))) {
                    s += v;
                }
                return s;
            });
        }
        assertThat(sum).isEqualTo(100_000L * 99_999 / 2);
        assertThat(watchdogSeen).as("the check below would see a leaked watchdog").isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        List<Thread> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("asyncio4j-") && t.isAlive())
                    .toList();
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("asyncio4j platform threads left after Asyncio.run").isEmpty();
    }

    // ------------------------------------------------------------------ unretrieved exceptions

    @Test
    void unretrievedTaskExceptionIsReportedExactlyOnceWhenTheLoopCloses() {
        Contexts handler = handler();
        IllegalStateException boom = new IllegalStateException("boom");
        Task<Object> t = loop.createTask(() -> {
            sleep(Duration.ofMillis(1));
            throw boom;
        }, "failing");
        t.addDoneCallback(done -> loop.stop());
        loop.runForever();
        assertThat(t.isDone()).isTrue();
        assertThat(handler.seen).as("still reachable, not reported before close").isEmpty();
        loop.close();
        loop.close();
        List<Map<String, Object>> reports = handler.withMessage("Task exception was never retrieved");
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("exception")).isSameAs(boom);
        assertThat(reports.get(0).get("task")).isSameAs(t);
        assertThat(handler.seen).hasSize(1);
        Reference.reachabilityFence(t);
    }

    @Test
    void collectedUnretrievedExceptionIsReportedOnceAndNotAgainAtClose() throws Exception {
        Contexts handler = handler();
        createFailingTaskAndForgetIt();
        for (int i = 0; i < 100 && handler.seen.isEmpty(); i++) {
            System.gc();
            Thread.sleep(5);
            runOnce();
        }
        Assumptions.assumeFalse(handler.seen.isEmpty(), "the GC did not collect the task in time");
        assertThat(handler.withMessage("Task exception was never retrieved")).hasSize(1);
        loop.close();
        assertThat(handler.seen).as("reported when collected, not again at close").hasSize(1);
    }

    private void createFailingTaskAndForgetIt() {
        Task<Object> t = loop.createTask(() -> {
            throw new IllegalStateException("forgotten");
        });
        t.addDoneCallback(done -> loop.stop());
        loop.runForever();
        loop.callSoon(() -> { }); // a later step, so that the engine's note of the last step moves on
        runOnce();
    }

    @Test
    void retrievedExceptionsAreNotReported() {
        Contexts handler = handler();
        loop.runUntilComplete(() -> {
            Task<Object> viaException = createTask(() -> {
                throw new IOException("1");
            });
            Task<Object> viaResult = createTask(() -> {
                throw new IOException("2");
            });
            Task<Object> viaAwait = createTask(() -> {
                throw new IOException("3");
            });
            Future<Object> plain = getRunningLoop().createFuture();
            plain.setException(new IOException("4"));
            sleep(Duration.ofMillis(1));
            assertThat(viaException.exception()).hasMessage("1");
            assertThatThrownBy(viaResult::result).hasMessage("2");
            assertThatThrownBy(() -> await(viaAwait)).hasMessage("3");
            assertThatThrownBy(() -> await(plain)).hasMessage("4");
            return null;
        });
        loop.close();
        assertThat(handler.seen).isEmpty();
    }

    @Test
    void unretrievedPlainFutureExceptionIsReportedAsFuture() {
        Contexts handler = handler();
        Future<Object> f = loop.createFuture();
        IOException e = new IOException("lost");
        f.setException(e);
        runOnce();
        loop.close();
        List<Map<String, Object>> reports = handler.withMessage("Future exception was never retrieved");
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("exception")).isSameAs(e);
        assertThat(reports.get(0).get("future")).isSameAs(f);
        assertThat(handler.seen).hasSize(1);
    }

    // ------------------------------------------------------------------ close with pending tasks

    @Test
    void closeReleasesSuspendedTasksRunsTheirFinallyBlocksAndReportsThem() throws Exception {
        Contexts handler = handler();
        List<String> log = new CopyOnWriteArrayList<>();
        List<Thread> taskThreads = new CopyOnWriteArrayList<>();
        Future<Object> never = loop.createFuture();
        Task<Object> a = loop.createTask(() -> {
            taskThreads.add(Thread.currentThread());
            try {
                return await(never);
            } finally {
                log.add("a-finally");
            }
        }, "awaiting");
        Task<Object> b = loop.createTask(() -> {
            taskThreads.add(Thread.currentThread());
            try {
                sleep(Duration.ofSeconds(30));
                return null;
            } catch (CancelledError e) {
                log.add("b-cancelled");
                throw e;
            }
        }, "sleeping");
        loop.runUntilComplete(() -> {
            sleep(Duration.ofMillis(2));
            return null;
        });
        Task<Object> c = loop.createTask(() -> {
            log.add("c-ran");
            return null;
        }, "never-started");
        assertThat(log).isEmpty();

        loop.close();

        assertThat(log).containsExactlyInAnyOrder("a-finally", "b-cancelled");
        List<Map<String, Object>> reports = handler.withMessage("Task was destroyed but it is pending!");
        assertThat(reports).extracting(r -> r.get("task")).containsExactlyInAnyOrder(a, b, c);
        assertThat(a.isDone()).isTrue();
        assertThat(b.isCancelled()).isTrue();
        assertThat(c.isDone()).isTrue();
        assertThat(taskThreads).hasSize(2);
        for (Thread t : taskThreads) {
            t.join(2_000);
            assertThat(t.isAlive()).as("thread of a released task").isFalse();
        }
    }

    @Test
    void awaitInAFinallyBlockDuringCloseFailsAtOnceInsteadOfHanging() {
        Contexts handler = handler();
        List<String> log = new CopyOnWriteArrayList<>();
        loop.createTask(() -> {
            try {
                sleep(Duration.ofSeconds(30));
            } finally {
                try {
                    sleep(Duration.ofMillis(1));
                    log.add("slept-in-finally");
                } catch (CancelledError e) {
                    log.add("await-in-finally-refused");
                }
            }
            return null;
        });
        runOnce();
        long t0 = System.nanoTime();
        loop.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
        assertThat(log).containsExactly("await-in-finally-refused");
        assertThat(handler.withMessage("Task was destroyed but it is pending!")).hasSize(1);
    }

    // ------------------------------------------------------------------ slow steps

    @Test
    void slowStepIsReportedNamingTheTaskAndItsStack() {
        Contexts handler = handler();
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(20));
        Task<Void> slow = loop.createTask(() -> {
            block(80);
            sleep(Duration.ofMillis(10));
            return null;
        }, "sluggish");
        loop.runUntilComplete(slow);
        assertThat(handler.withMessage("Executing")).anySatisfy(report -> {
            assertThat(report.get("task")).isSameAs(slow);
            assertThat((String) report.get("message")).contains("sluggish").contains("held the event loop");
            assertThat((List<?>) report.get("stack")).anySatisfy(frame ->
                    assertThat(((StackTraceElement) frame).getMethodName()).isEqualTo("block"));
        });
    }

    @Test
    void aSlowStepThatStopsTheLoopIsStillReportedBeforeClose() {
        Contexts handler = handler();
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(15));
        loop.callSoon(() -> {
            block(80);
            loop.stop();
        });
        loop.runForever();
        loop.close();
        assertThat(handler.withMessage("Executing")).isNotEmpty();
    }

    @Test
    void manyFastStepsAreNotReportedThoughTheyAddUpBeyondTheThreshold() {
        Contexts handler = handler();
        loop.setSlowCallbackDuration(Duration.ofMillis(250));
        long t0 = System.nanoTime();
        loop.runUntilComplete(() -> {
            for (int i = 0; i < 100; i++) {
                block(4);             // 4 ms steps: the loop is busy for 400 ms or more in total
                sleep(Duration.ZERO);
            }
            return null;
        });
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(400);
        assertThat(handler.seen).isEmpty();
    }

    @Test
    void anIdleLoopWaitingForATimerIsNotReported() {
        Contexts handler = handler();
        loop.setSlowCallbackDuration(Duration.ofMillis(100));
        long t0 = System.nanoTime();
        loop.runUntilComplete(() -> {
            sleep(Duration.ofMillis(150));
            return null;
        });
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(149);
        assertThat(handler.seen).isEmpty();
    }

    @Test
    void slowCallbackIsReportedNamingTheHandle() {
        Contexts handler = handler();
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(20));
        Runnable slow = new Runnable() {
            @Override
            public void run() {
                block(80);
            }

            @Override
            public String toString() {
                return "slowCallback";
            }
        };
        Handle h = loop.callSoon(slow);
        loop.runUntilComplete(() -> {
            sleep(Duration.ofMillis(5));
            return null;
        });
        assertThat(handler.withMessage("Executing")).anySatisfy(report -> {
            assertThat((String) report.get("message")).contains("slowCallback");
            assertThat(report.get("handle")).isSameAs(h);
        });
    }

    @Test
    void slowCallbackDurationDefaultsTo100msAndZeroTurnsTheCheckOff() {
        EventLoop fresh = Asyncio.newEventLoop();
        assertThat(fresh.getSlowCallbackDuration()).isEqualTo(Duration.ofMillis(100));
        fresh.close();
        Contexts handler = handler();
        loop.setSlowCallbackDuration(Duration.ZERO);
        assertThat(loop.getSlowCallbackDuration()).isEqualTo(Duration.ZERO);
        loop.runUntilComplete(() -> {
            block(60);
            sleep(Duration.ofMillis(5));
            return null;
        });
        assertThat(handler.seen).isEmpty();
    }

    // ------------------------------------------------------------------ thread confinement

    @Test
    void loopConfinedMethodsFromAForeignThreadWhileRunningAreRefused() throws Exception {
        List<String> outcomes = new CopyOnWriteArrayList<>();
        Future<Void> done = loop.createFuture();
        loop.callSoon(() -> platform("intruder", () -> {
            try {
                List<ThrowingRunnable> ops = List.of(
                        () -> loop.callSoon(() -> outcomes.add("ran-callSoon")),
                        () -> loop.callLater(Duration.ZERO, () -> outcomes.add("ran-callLater")),
                        () -> loop.createTask(() -> outcomes.add("ran-task")));
                for (ThrowingRunnable op : ops) {
                    try {
                        op.run();
                        outcomes.add("accepted");
                    } catch (IllegalStateException e) {
                        outcomes.add(e.getMessage().contains("callSoonThreadsafe") ? "refused" : "bad message: " + e.getMessage());
                    }
                }
            } finally {
                loop.callSoonThreadsafe(() -> done.setResult(null));
            }
        }));
        loop.runUntilComplete(done);
        runOnce();
        assertThat(outcomes).containsExactly("refused", "refused", "refused");
    }

    @Test
    void awaitOutsideATaskIsRefusedWithAMessageNamingTheFix() {
        Future<Object> f = loop.createFuture();
        assertThatThrownBy(() -> await(f)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a task").hasMessageContaining("Asyncio.run");
        assertThatThrownBy(() -> sleep(Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Asyncio.run");
        assertThatThrownBy(() -> toThread(() -> 1)).isInstanceOf(IllegalStateException.class);
        List<Throwable> inCallback = new ArrayList<>();
        loop.callSoon(() -> {
            try {
                await(f);
            } catch (IllegalStateException e) {
                inCallback.add(e);
            }
        });
        runOnce();
        assertThat(inCallback).singleElement().satisfies(e ->
                assertThat(e).hasMessageContaining("inside a task").hasMessageContaining("createTask"));
        f.cancel();
    }

    @Test
    void awaitingAFutureOfAnotherLoopIsRefused() {
        EventLoop other = Asyncio.newEventLoop();
        try {
            Future<Object> foreign = other.createFuture();
            assertThatThrownBy(() -> loop.runUntilComplete(() -> await(foreign)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("different event loop");
        } finally {
            other.close();
        }
    }

    // ------------------------------------------------------------------ bridges to other threads

    @Test
    void futureFromFollowsAStageCompletedOnAForeignThread() {
        String r = loop.runUntilComplete(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            platform("completer", () -> {
                Thread.sleep(10);
                cf.complete("hi");
            });
            return await(Future.from(cf));
        });
        assertThat(r).isEqualTo("hi");
    }

    @Test
    void futureFromUnwrapsAForeignFailureAndMapsCancellation() {
        loop.runUntilComplete(() -> {
            CompletableFuture<String> failing = new CompletableFuture<>();
            CompletableFuture<String> async = CompletableFuture.supplyAsync(() -> {
                throw new UnsupportedOperationException("nope");
            });
            CompletableFuture<String> cancelled = new CompletableFuture<>();
            platform("failer", () -> {
                Thread.sleep(5);
                failing.completeExceptionally(new IOException("io"));
                cancelled.cancel(true);
            });
            assertThatThrownBy(() -> await(Future.from(failing))).isInstanceOf(IOException.class).hasMessage("io");
            assertThatThrownBy(() -> await(Future.from(async))).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> await(Future.from(cancelled))).isInstanceOf(CancelledError.class);
            return null;
        });
    }

    @Test
    void cancellingTheWrapperCancelsTheStage() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        loop.runUntilComplete(() -> {
            Future<String> f = Future.from(cf);
            f.cancel();
            sleep(Duration.ZERO);
            return null;
        });
        assertThat(cf.isCancelled()).isTrue();
    }

    @Test
    void toCompletableFutureIsCompletedForAForeignWaiter() throws Exception {
        AtomicReference<Object> got = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        loop.runUntilComplete(() -> {
            Future<String> ok = getRunningLoop().createFuture();
            Future<String> bad = getRunningLoop().createFuture();
            CompletableFuture<String> okCf = ok.toCompletableFuture();
            CompletableFuture<String> badCf = bad.toCompletableFuture();
            Thread waiter = platform("waiter", () -> {
                got.set(okCf.get(20, TimeUnit.SECONDS));
                try {
                    badCf.get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failure.set(e.getCause());
                }
            });
            sleep(Duration.ofMillis(5));
            ok.setResult("value");
            bad.setException(new IOException("bad"));
            bad.exception();
            while (waiter.isAlive()) {
                sleep(Duration.ofMillis(1));
            }
            return null;
        });
        assertThat(got.get()).isEqualTo("value");
        assertThat(failure.get()).isInstanceOf(IOException.class).hasMessage("bad");
    }

    @Test
    void cancellingTheCompletableFutureFromAForeignThreadCancelsTheLoopFuture() {
        String outcome = loop.runUntilComplete(() -> {
            Future<String> f = getRunningLoop().createFuture();
            CompletableFuture<String> cf = f.toCompletableFuture();
            platform("canceller", () -> {
                Thread.sleep(5);
                cf.cancel(true);
            });
            try {
                await(f);
                return "completed";
            } catch (CancelledError e) {
                return "cancelled:" + f.isCancelled();
            }
        });
        assertThat(outcome).isEqualTo("cancelled:true");
    }

    @Test
    void runCoroutineThreadsafeRunsOnTheLoopAndReportsResultAndFailure() {
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Future<Void> done = loop.createFuture();
        loop.callSoon(() -> platform("client", () -> {
            try {
                result.set(Asyncio.runCoroutineThreadsafe(() -> {
                    ranOn.set(Thread.currentThread());
                    sleep(Duration.ofMillis(2));
                    return currentTask() != null ? "in a task" : "no task";
                }, loop).get(20, TimeUnit.SECONDS));
                try {
                    Asyncio.runCoroutineThreadsafe(() -> {
                        throw new IOException("remote");
                    }, loop).get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failure.set(e.getCause());
                }
            } finally {
                loop.callSoonThreadsafe(() -> done.setResult(null));
            }
        }));
        loop.runUntilComplete(done);
        assertThat(result.get()).isEqualTo("in a task");
        assertThat(ranOn.get()).isNotIn(started);
        assertThat(failure.get()).isInstanceOf(IOException.class).hasMessage("remote");
    }

    @Test
    void cancellingRunCoroutineThreadsafeFromTheForeignThreadCancelsTheTask() {
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicReference<Task<?>> task = new AtomicReference<>();
        AtomicBoolean cancelledSeen = new AtomicBoolean();
        Future<Void> done = loop.createFuture();
        loop.callSoon(() -> platform("client", () -> {
            CountDownLatch running = new CountDownLatch(1);
            try {
                CompletableFuture<String> cf = Asyncio.runCoroutineThreadsafe(() -> {
                    task.set(currentTask());
                    running.countDown();
                    try {
                        sleep(Duration.ofSeconds(30));
                        return "finished";
                    } finally {
                        log.add("finally");
                    }
                }, loop);
                assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
                assertThat(cf.cancel(true)).isTrue();
                cancelledSeen.set(cf.isCancelled());
            } finally {
                loop.callSoonThreadsafe(() -> loop.callLater(Duration.ofMillis(5), () -> done.setResult(null)));
            }
        }));
        loop.runUntilComplete(done);
        assertThat(cancelledSeen).isTrue();
        assertThat(task.get().isCancelled()).isTrue();
        assertThat(log).containsExactly("finally");
    }

    @Test
    void runCoroutineThreadsafeCancelledBeforeTheLoopRunsItNeverStartsIt() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        AtomicReference<CompletableFuture<String>> cf = new AtomicReference<>();
        Thread client = platform("client", () -> {
            cf.set(Asyncio.runCoroutineThreadsafe(() -> {
                ran.set(true);
                return "x";
            }, loop));
            cf.get().cancel(false);
        });
        client.join(20_000);
        loop.runUntilComplete(() -> {
            sleep(Duration.ofMillis(2));
            return null;
        });
        assertThat(cf.get().isCancelled()).isTrue();
        assertThat(ran).isFalse();
    }

    @Test
    void runCoroutineThreadsafeOnAClosedLoopIsRefused() {
        loop.close();
        assertThatThrownBy(() -> Asyncio.runCoroutineThreadsafe(() -> 1, loop))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
