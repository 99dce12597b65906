/*
 * Conformance tests for Asyncio.run and Runner.
 *
 * Ported from CPython's Lib/test/test_asyncio/test_runners.py (3.12/3.13), the asyncio.run and Runner
 * cases: the behaviours each CPython test checks are re-expressed against asyncio4j's public API; no
 * code is copied. Method names are the CPython names in camelCase; cases without a CPython counterpart
 * say so. Python-only mechanics (event loop policies, SIGINT/KeyboardInterrupt handling, contextvars,
 * async generators, mock loop factories) are not ported; where they check a behaviour that exists here
 * (a cancelled main task, leftover tasks, loop reuse), that behaviour is.
 *
 * Runner.close() also shuts the default executor down and waits for its threads, and no thread of the
 * loop survives Asyncio.run: checked through the platform threads named asyncio4j-*.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.*;
import static org.assertj.core.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Runner;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class RunnersTest {
    private static final String DEBUG_PROPERTY = "asyncio4j.debug";

    static final class FancyExit extends RuntimeException {
        FancyExit() {
            super("fancy exit");
        }
    }

    /** Exception handler that records every context it is given. */
    static final class Recorder implements BiConsumer<EventLoop, Map<String, Object>> {
        final List<Map<String, Object>> contexts = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(EventLoop loop, Map<String, Object> context) {
            contexts.add(new LinkedHashMap<>(context));
        }
    }

    private static Set<Thread> loopPlatformThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.isVirtual() && t.getName().startsWith("asyncio4j-") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    private static <T> T withDebugProperty(String value, java.util.function.Supplier<T> body) {
        String old = System.getProperty(DEBUG_PROPERTY);
        if (value == null) {
            System.clearProperty(DEBUG_PROPERTY);
        } else {
            System.setProperty(DEBUG_PROPERTY, value);
        }
        try {
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(DEBUG_PROPERTY);
            } else {
                System.setProperty(DEBUG_PROPERTY, old);
            }
        }
    }

    // ------------------------------------------------------------------ Asyncio.run

    @Test
    void asyncioRunReturn() {
        assertThat(Asyncio.run(() -> {
            sleep(Duration.ZERO);
            return 42;
        })).isEqualTo(42);
    }

    @Test
    void asyncioRunRaises() {
        IllegalArgumentException spam = new IllegalArgumentException("spam");
        assertThatThrownBy(() -> Asyncio.run(() -> {
            sleep(Duration.ZERO);
            throw spam;
        })).isSameAs(spam).hasMessage("spam");
    }

    @Test
    void asyncioRunRaisesChecked() {
        // No CPython counterpart: a checked exception leaves run() unchanged, not wrapped.
        IOException io = new IOException("disk");
        Throwable thrown = catchThrowable(() -> Asyncio.run(() -> {
            sleep(Duration.ZERO);
            throw io;
        }));
        assertThat(thrown).isSameAs(io);
    }

    @Test
    void asyncioRunOnlyCoro() {
        // Python rejects a non-coroutine with ValueError; the Java analogue is a null coroutine.
        assertThatThrownBy(() -> Asyncio.run(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void asyncioRunDebug() {
        assumeTrue(System.getenv("ASYNCIO4J_DEBUG") == null, "ASYNCIO4J_DEBUG is set");
        List<Boolean> seen = new ArrayList<>();
        withDebugProperty(null, () -> {
            seen.add(Asyncio.run(() -> getRunningLoop().getDebug()));
            try (Runner r = new Runner(true)) {
                seen.add(r.run(() -> getRunningLoop().getDebug()));
            }
            try (Runner r = new Runner(false)) {
                seen.add(r.run(() -> getRunningLoop().getDebug()));
            }
            return null;
        });
        // The process-wide default says debug (Python: -X dev / PYTHONASYNCIODEBUG): Asyncio.run and
        // new Runner() follow it, an explicit Runner(false) turns it off.
        withDebugProperty("true", () -> {
            seen.add(Asyncio.run(() -> getRunningLoop().getDebug()));
            try (Runner r = new Runner()) {
                seen.add(r.run(() -> getRunningLoop().getDebug()));
            }
            try (Runner r = new Runner(false)) {
                seen.add(r.run(() -> getRunningLoop().getDebug()));
            }
            try (Runner r = new Runner(true)) {
                seen.add(r.run(() -> getRunningLoop().getDebug()));
            }
            return null;
        });
        assertThat(seen).containsExactly(false, true, false, true, true, false, true);
    }

    @Test
    void asyncioRunFromRunningLoop() {
        AtomicBoolean innerRan = new AtomicBoolean();
        List<String> messages = new ArrayList<>();
        Asyncio.run(() -> {
            try {
                Asyncio.run(() -> {
                    innerRan.set(true);
                    return null;
                });
            } catch (IllegalStateException e) {
                messages.add(e.getMessage());
            }
            return null;
        });
        assertThat(messages).singleElement().asString().contains("cannot be called from a running");
        assertThat(innerRan.get()).isFalse();
    }

    @Test
    void asyncioRunCancelsHangingTasks() {
        AtomicReference<Task<Void>> loTask = new AtomicReference<>();
        List<String> log = new ArrayList<>();
        int r = Asyncio.run(() -> {
            loTask.set(createTask(() -> {
                try {
                    sleep(Duration.ofSeconds(10));
                } catch (CancelledError e) {
                    log.add("leftover cancelled");
                    throw e;
                }
                return null;
            }));
            sleep(Duration.ZERO); // let it start
            return 123;
        });
        assertThat(r).isEqualTo(123);
        assertThat(loTask.get().isDone()).isTrue();
        assertThat(loTask.get().isCancelled()).isTrue();
        assertThat(log).containsExactly("leftover cancelled");
    }

    @Test
    void asyncioRunCancelsJustCreatedTasks() {
        // No CPython counterpart by this name: a task created just before main returns still gets its
        // first step (it was scheduled before the loop was told to stop, as in CPython), and is then
        // cancelled at its first await.
        List<String> log = new ArrayList<>();
        AtomicReference<Task<Void>> loTask = new AtomicReference<>();
        Asyncio.run(() -> {
            loTask.set(createTask(() -> {
                log.add("started");
                try {
                    sleep(Duration.ofSeconds(10));
                } catch (CancelledError e) {
                    log.add("cancelled");
                    throw e;
                }
                return null;
            }));
            return null;
        });
        assertThat(loTask.get().isCancelled()).isTrue();
        assertThat(log).containsExactly("started", "cancelled");
    }

    @Test
    void asyncioRunLeftoverCleanupMayAwait() {
        // No CPython counterpart by this name: cancelled leftover tasks run their cleanup, awaits
        // included, before run() returns.
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Asyncio.run(() -> {
            for (int i = 0; i < 3; i++) {
                int n = i;
                createTask(() -> {
                    try {
                        sleep(Duration.ofSeconds(10));
                    } finally {
                        sleep(Duration.ofMillis(2));
                        log.add("cleanup " + n);
                    }
                    return null;
                });
            }
            sleep(Duration.ZERO);
            return null;
        });
        log.add("run returned");
        assertThat(log).hasSize(4).endsWith("run returned")
                .contains("cleanup 0", "cleanup 1", "cleanup 2");
    }

    @Test
    void asyncioRunTaskSpawnedDuringCleanup() {
        // No CPython counterpart by this name: a leftover task whose cleanup creates yet another task
        // does not hang run(); that late task is cancelled when the loop closes (CPython leaves it to
        // be destroyed pending) and its cleanup runs. No task thread survives run().
        List<Thread> taskThreads = Collections.synchronizedList(new ArrayList<>());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Task<Void>> late = new AtomicReference<>();
        Recorder recorder = new Recorder();
        long t0 = System.nanoTime();
        Asyncio.run(() -> {
            getRunningLoop().setExceptionHandler(recorder);
            taskThreads.add(Thread.currentThread());
            createTask(() -> {
                taskThreads.add(Thread.currentThread());
                try {
                    sleep(Duration.ofSeconds(10));
                } finally {
                    late.set(createTask(() -> {
                        taskThreads.add(Thread.currentThread());
                        try {
                            sleep(Duration.ofSeconds(10));
                        } finally {
                            log.add("late task cleanup");
                        }
                        return null;
                    }));
                    sleep(Duration.ofMillis(1));
                }
                return null;
            });
            sleep(Duration.ZERO);
            return null;
        });
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000L);
        assertThat(late.get().isCancelled()).isTrue();
        assertThat(log).containsExactly("late task cleanup");
        assertThat(recorder.contexts).anyMatch(c -> c.get("task") == late.get());
        assertThat(taskThreads).hasSize(3);
        for (Thread t : taskThreads) {
            assertThat(t.isVirtual()).isTrue();
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThat(t.isAlive()).as("task thread %s ended", t).isFalse();
        }
    }

    @Test
    void asyncioRunReportsHangingTasksErrors() {
        Recorder recorder = new Recorder();
        AtomicReference<Task<Void>> loTask = new AtomicReference<>();
        int r = Asyncio.run(() -> {
            getRunningLoop().setExceptionHandler(recorder);
            loTask.set(createTask(() -> {
                try {
                    sleep(Duration.ofMillis(100));
                } catch (CancelledError e) {
                    throw new ArithmeticException("/ by zero");
                }
                return null;
            }));
            sleep(Duration.ZERO);
            return 123;
        });
        assertThat(r).isEqualTo(123);
        assertThat(loTask.get().isDone()).isTrue();
        assertThat(recorder.contexts).isNotEmpty();
        Map<String, Object> last = recorder.contexts.get(recorder.contexts.size() - 1);
        assertThat(String.valueOf(last.get("message"))).containsPattern("(?i)run.*shutdown");
        assertThat(last.get("task")).isSameAs(loTask.get());
        assertThat(last.get("exception")).isInstanceOf(ArithmeticException.class);
        long shutdownReports = recorder.contexts.stream()
                .filter(c -> c.get("exception") instanceof ArithmeticException).count();
        assertThat(shutdownReports).isEqualTo(1);
    }

    @Test
    void asyncioRunClosesGensAfterHangingTasksErrors() {
        // The async-generator part is Python-only; the behaviour kept: main's own failure propagates
        // even though a leftover task fails while being cancelled, and that task is finished.
        Recorder recorder = new Recorder();
        AtomicReference<Task<Void>> lazyboy = new AtomicReference<>();
        assertThatThrownBy(() -> Asyncio.run(() -> {
            getRunningLoop().setExceptionHandler(recorder);
            lazyboy.set(createTask(() -> {
                try {
                    while (true) {
                        sleep(Duration.ofSeconds(1));
                    }
                } catch (CancelledError e) {
                    throw new ArithmeticException("/ by zero");
                }
            }));
            sleep(Duration.ZERO);
            throw new FancyExit();
        })).isInstanceOf(FancyExit.class);
        assertThat(lazyboy.get().isDone()).isTrue();
        assertThat(lazyboy.get().exception()).isInstanceOf(ArithmeticException.class);
        assertThat(recorder.contexts).anyMatch(c -> c.get("exception") instanceof ArithmeticException);
    }

    @Test
    void asyncioRunMainCancelled() {
        // test_interrupt_cancelled_task without the signal: the main task is cancelled by another
        // task, and run() raises CancelledError.
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> Asyncio.run(() -> {
            Task<?> main = currentTask();
            createTask(() -> {
                sleep(Duration.ZERO);
                main.cancel("from subtask");
                return null;
            });
            try {
                sleep(Duration.ofSeconds(10));
            } finally {
                log.add("main finally");
            }
            return null;
        })).isInstanceOf(CancelledError.class).hasMessage("from subtask");
        assertThat(log).containsExactly("main finally");
    }

    @Test
    void asyncioRunInSeveralThreads() {
        // No CPython counterpart: each thread's run() has its own loop, and they do not interfere.
        int n = 3;
        CountDownLatch allRunning = new CountDownLatch(n);
        List<CompletableFuture<EventLoop>> loops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<EventLoop> f = new CompletableFuture<>();
            loops.add(f);
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    f.complete(Asyncio.run(() -> {
                        allRunning.countDown();
                        while (allRunning.getCount() > 0) {
                            sleep(Duration.ofMillis(1));
                        }
                        return getRunningLoop();
                    }));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            threads.add(t);
        }
        Set<EventLoop> distinct = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (CompletableFuture<EventLoop> f : loops) {
            EventLoop loop = f.orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(loop.isClosed()).isTrue();
            distinct.add(loop);
        }
        assertThat(distinct).hasSize(n);
    }

    // ------------------------------------------------------------------ default executor and threads

    @Test
    void asyncioRunShutsDownDefaultExecutor() {
        // No CPython counterpart by this name (asyncio.run awaits shutdown_default_executor): the
        // executor thread used by toThread is gone once run() returns, and the loop refuses new work.
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        String v = Asyncio.run(() -> {
            loop.set(getRunningLoop());
            return toThread(() -> {
                worker.set(Thread.currentThread());
                return "from " + Thread.currentThread().getName();
            });
        });
        assertThat(v).startsWith("from asyncio4j-");
        assertThat(worker.get().isVirtual()).isFalse();
        assertThat(worker.get().isAlive()).as("executor thread still alive after run()").isFalse();
        assertThat(loop.get().isClosed()).isTrue();
        assertThatThrownBy(() -> loop.get().runInExecutor(null, () -> 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void asyncioRunWaitsForExecutorJobs() {
        // No CPython counterpart by this name: shutting the default executor down waits for a job that
        // is still running, though nobody awaits it.
        AtomicBoolean finished = new AtomicBoolean();
        Asyncio.run(() -> {
            getRunningLoop().runInExecutor(null, () -> {
                Thread.sleep(30);
                finished.set(true);
                return null;
            });
            sleep(Duration.ofMillis(1)); // the job has started
            return null;
        });
        assertThat(finished.get()).isTrue();
    }

    @Test
    void asyncioRunLeavesNoLoopThreads() {
        // After run() returns, none of the loop's platform threads (watchdog, executor) remains.
        Set<Thread> before = loopPlatformThreads();
        AtomicReference<Set<Thread>> during = new AtomicReference<>();
        Asyncio.run(() -> {
            List<Task<Integer>> ts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                ts.add(createTask(() -> toThread(() -> {
                    Thread.sleep(5);
                    return n;
                })));
            }
            int sum = 0;
            for (Task<Integer> t : ts) {
                sum += await(t);
            }
            assertThat(sum).isEqualTo(6);
            Set<Thread> now = loopPlatformThreads();
            now.removeAll(before);
            during.set(now);
            return null;
        });
        assertThat(during.get()).as("the run had threads of its own").isNotEmpty();
        Set<Thread> after = loopPlatformThreads();
        after.removeAll(before);
        assertThat(after).as("threads of the loop alive after run()").isEmpty();
        assertThat(during.get()).noneMatch(Thread::isAlive);
    }

    @Test
    void asyncioRunLeavesNoLoopThreadsRepeatedly() {
        // The same check many times over, to catch a thread that is still ending when run() returns.
        for (int i = 0; i < 30; i++) {
            AtomicReference<Thread> worker = new AtomicReference<>();
            Asyncio.run(() -> toThread(() -> {
                worker.set(Thread.currentThread());
                return null;
            }));
            assertThat(worker.get().isAlive()).as("executor thread alive after run() #%d", i).isFalse();
        }
    }

    // ------------------------------------------------------------------ Runner

    @Test
    void nonDebug() {
        assumeTrue(System.getenv("ASYNCIO4J_DEBUG") == null, "ASYNCIO4J_DEBUG is set");
        try (Runner runner = new Runner(false)) {
            assertThat(runner.getLoop().getDebug()).isFalse();
        }
    }

    @Test
    void debug() {
        try (Runner runner = new Runner(true)) {
            assertThat(runner.getLoop().getDebug()).isTrue();
        }
    }

    @Test
    void run() {
        EventLoop loop;
        Runner runner = new Runner();
        try (runner) {
            assertThat(runner.run(() -> {
                sleep(Duration.ZERO);
                return "done";
            })).isEqualTo("done");
            loop = runner.getLoop();
            assertThat(loop.isClosed()).isFalse();
        }
        assertThatThrownBy(runner::getLoop).isInstanceOf(IllegalStateException.class).hasMessageContaining("Runner is closed");
        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void explicitClose() {
        Runner runner = new Runner();
        EventLoop loop = runner.getLoop();
        runner.close();
        assertThatThrownBy(runner::getLoop).isInstanceOf(IllegalStateException.class).hasMessageContaining("Runner is closed");
        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void closingAnUnusedRunnerLeavesItUsable() {
        Runner runner = new Runner();
        runner.close();
        try (runner) {
            assertThat(runner.run(() -> "ran")).isEqualTo("ran");
        }
        assertThatThrownBy(runner::getLoop).isInstanceOf(IllegalStateException.class).hasMessageContaining("Runner is closed");
    }

    @Test
    void doubleClose() {
        Runner runner = new Runner();
        EventLoop loop = runner.getLoop();
        runner.close();
        assertThat(loop.isClosed()).isTrue();
        runner.close(); // no-op
        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void secondWithBlockRaises() {
        List<Integer> ret = new ArrayList<>();
        Runner runner = new Runner();
        try (runner) {
            runner.run(() -> ret.add(1));
        }
        assertThatThrownBy(() -> {
            try (runner) {
                runner.run(() -> ret.add(2));
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("Runner is closed");
        assertThat(ret).containsExactly(1);
    }

    @Test
    void runKeepsContext() {
        // contextvars are Python-only; the behaviour kept: successive run() calls share one loop and
        // its state, so a task started by one run goes on in the next.
        List<String> log = new ArrayList<>();
        try (Runner runner = new Runner()) {
            EventLoop first = runner.run(() -> {
                createTask(() -> {
                    sleep(Duration.ofMillis(5));
                    log.add("background finished");
                    return null;
                });
                return getRunningLoop();
            });
            assertThat(log).isEmpty();
            EventLoop second = runner.run(() -> {
                sleep(Duration.ofMillis(20));
                return getRunningLoop();
            });
            assertThat(second).isSameAs(first).isSameAs(runner.getLoop());
        }
        assertThat(log).containsExactly("background finished");
    }

    @Test
    void runnerReusableAfterFailure() {
        // No CPython counterpart by this name: a run() that fails leaves the runner usable.
        try (Runner runner = new Runner()) {
            assertThatThrownBy(() -> runner.run(() -> {
                throw new FancyExit();
            })).isInstanceOf(FancyExit.class);
            assertThatThrownBy(() -> runner.run(() -> {
                throw new CancelledError("gone");
            })).isInstanceOf(CancelledError.class);
            assertThat(runner.run(() -> "fine")).isEqualTo("fine");
        }
    }

    @Test
    void recursiveRun() {
        AtomicBoolean gRan = new AtomicBoolean();
        try (Runner runner = new Runner()) {
            assertThatThrownBy(() -> runner.run(() -> runner.run(() -> {
                gRan.set(true);
                return null;
            }))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Runner.run() cannot be called from a running event loop");
            // The runner still works afterwards.
            assertThat(runner.run(() -> 7)).isEqualTo(7);
        }
        assertThat(gRan.get()).isFalse();
    }

    @Test
    void runnerCloseCancelsLeftoverTasks() {
        // No CPython counterpart by this name: close() (not only asyncio.run) cancels and finishes
        // what runs on the loop.
        AtomicReference<Task<Void>> leftover = new AtomicReference<>();
        List<String> log = new ArrayList<>();
        Runner runner = new Runner();
        try (runner) {
            runner.run(() -> {
                leftover.set(createTask(() -> {
                    try {
                        sleep(Duration.ofSeconds(10));
                    } finally {
                        log.add("leftover finally");
                    }
                    return null;
                }));
                sleep(Duration.ZERO);
                return null;
            });
            assertThat(leftover.get().isDone()).isFalse();
        }
        assertThat(leftover.get().isCancelled()).isTrue();
        assertThat(log).containsExactly("leftover finally");
    }

    @Test
    void noReprIsCallOnTheTaskResult() {
        AtomicInteger reprCount = new AtomicInteger();
        Object result = new Object() {
            @Override
            public String toString() {
                reprCount.incrementAndGet();
                return "MyResult";
            }
        };
        try (Runner runner = new Runner()) {
            assertThat(runner.run(() -> result)).isSameAs(result);
        }
        assertThat(reprCount.get()).isZero();
    }
}
