package dev.asyncio4j.conformance;

/*
 * Conformance: the Task behaviours checked by CPython's Lib/test/test_asyncio/test_tasks.py
 * (BaseTaskTests, BaseCurrentLoopTests, RunCoroutineThreadsafeTests, SleepTests; 3.12/3.13 semantics).
 * The behaviours are ported, not the code: each test keeps the CPython method name in camelCase,
 * Python-only mechanics (coroutine objects, generators, __del__, C-vs-Py, repr formats, contextvars,
 * white-box attributes such as _fut_waiter/_must_cancel) are replaced by the observable effect they
 * stand for. gather / wait / wait_for / as_completed / shield cases live in their own test class.
 * Tests whose name is not a CPython name cover behaviours the port asks for explicitly.
 * Only the public API of dev.asyncio4j is used.
 */

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.allTasks;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.currentTask;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.InvalidStateError;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimeoutError;
import dev.asyncio4j.TimerHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TasksTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = Asyncio.newEventLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    // ------------------------------------------------------------------ helpers

    /** CPython's test_utils.run_briefly: runs a few iterations of a loop that is not running. */
    private static void runBriefly(EventLoop l) {
        l.runUntilComplete(() -> null);
    }

    /** Suspends the current task until {@code f} is done, without retrieving its outcome. */
    private static void waitDone(Future<?> f) {
        Future<Void> w = getRunningLoop().createFuture();
        f.addDoneCallback(x -> w.setResult(null));
        await(w);
    }

    private static List<String> methodNames(List<StackTraceElement> frames) {
        return frames.stream().map(StackTraceElement::getMethodName).toList();
    }

    private static boolean stackMentions(Throwable e, String method) {
        return Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getMethodName().equals(method));
    }

    // ------------------------------------------------------------------ basics

    @Test
    void testTaskCancelMessageGetter() {
        Task<Void> t = loop.createTask(() -> null);
        assertThat(t.cancel("my message")).isTrue();
        assertThatThrownBy(() -> loop.runUntilComplete(t))
                .isInstanceOf(CancelledError.class).hasMessage("my message");
        assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void testOtherLoopFuture() {
        EventLoop other = Asyncio.newEventLoop();
        try {
            Future<Object> fut = other.createFuture();
            assertThatThrownBy(() -> loop.runUntilComplete(() -> await(fut)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("different event loop");
            assertThat(fut.isDone()).isFalse();
        } finally {
            other.close();
        }
    }

    @Test
    void testTaskAwaitsOnItself() {
        AtomicReference<Task<Object>> self = new AtomicReference<>();
        Task<Object> task = loop.createTask(() -> await(self.get()));
        self.set(task);
        assertThatThrownBy(() -> loop.runUntilComplete(task))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Task cannot await on itself");
        assertThat(task.isCancelled()).isFalse();
        assertThat(task.exception()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void testTaskClass() {
        Task<String> t = loop.createTask(() -> "ok");
        loop.runUntilComplete(t);
        assertThat(t.isDone()).isTrue();
        assertThat(t.result()).isEqualTo("ok");
        assertThat(t.getLoop()).isSameAs(loop);

        EventLoop other = Asyncio.newEventLoop();
        try {
            Task<String> t2 = other.createTask(() -> "ok");
            assertThat(t2.getLoop()).isSameAs(other);
            assertThat(other.runUntilComplete(t2)).isEqualTo("ok");
        } finally {
            other.close();
        }
    }

    private static void stackFoo(Task<?>[] task, List<List<StackTraceElement>> seen) {
        stackBar(task, seen);
    }

    private static void stackBar(Task<?>[] task, List<List<StackTraceElement>> seen) {
        seen.add(task[0].getStack());
    }

    @Test
    void testGetStack() {
        // CPython: inside bar(), called by the task's coroutine foo(), T.get_stack() shows foo.
        Task<?>[] task = new Task<?>[1];
        List<List<StackTraceElement>> seen = new ArrayList<>();
        loop.runUntilComplete(() -> {
            task[0] = createTask(() -> {
                stackFoo(task, seen);
                return null;
            });
            await(task[0]);
            return null;
        });
        List<String> names = methodNames(seen.get(0));
        assertThat(names).isNotEmpty();
        assertThat(names.get(0)).isEqualTo("stackBar");
        assertThat(names).containsSubsequence("stackBar", "stackFoo");
        assertThat(seen.get(0)).noneMatch(f -> f.getClassName().startsWith("dev.asyncio4j.internal."));
    }

    private static void suspendedFoo() {
        suspendedBar();
    }

    private static void suspendedBar() {
        sleep(LONG);
    }

    @Test
    void testGetStackOfSuspendedTask() {
        Task<Void> t = loop.createTask(() -> {
            suspendedFoo();
            return null;
        });
        assertThat(t.getStack()).isEmpty(); // not started
        runBriefly(loop);
        List<StackTraceElement> stack = t.getStack();
        List<String> names = methodNames(stack);
        assertThat(names).isNotEmpty();
        assertThat(names.get(0)).isEqualTo("suspendedBar");
        assertThat(names).containsSubsequence("suspendedBar", "suspendedFoo");
        assertThat(stack).noneMatch(f -> f.getClassName().startsWith("dev.asyncio4j.internal."));
        t.cancel();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(t.getStack()).isEmpty(); // done
    }

    @Test
    void testTaskReprAutogenerated() {
        Task<Integer> t1 = loop.createTask(() -> 123);
        Task<Integer> t2 = loop.createTask(() -> 123);
        assertThat(t1.getName()).isNotEqualTo(t2.getName());
        Matcher m1 = Pattern.compile("Task-(\\d+)").matcher(t1.getName());
        Matcher m2 = Pattern.compile("Task-(\\d+)").matcher(t2.getName());
        assertThat(m1.matches()).isTrue();
        assertThat(m2.matches()).isTrue();
        // autogenerated names have monotonically increasing numbers
        assertThat(Long.parseLong(m1.group(1))).isLessThan(Long.parseLong(m2.group(1)));
        assertThat(loop.runUntilComplete(t1)).isEqualTo(123);
        assertThat(loop.runUntilComplete(t2)).isEqualTo(123);
    }

    @Test
    void testTaskSetNamePylong() {
        List<String> seenInside = new ArrayList<>();
        Task<Integer> t = loop.createTask(() -> {
            seenInside.add(currentTask().getName());
            return 123;
        }, "987654321");
        assertThat(t.getName()).isEqualTo("987654321");
        t.setName("123456789");
        assertThat(t.getName()).isEqualTo("123456789");
        loop.runUntilComplete(t);
        assertThat(seenInside).containsExactly("123456789");
    }

    private static int inner1() {
        return 42;
    }

    private static int inner2() {
        return 1000;
    }

    @Test
    void testTaskBasics() {
        int r = loop.runUntilComplete(() -> {
            int a = inner1();
            int b = inner2();
            return a + b;
        });
        assertThat(r).isEqualTo(1042);
    }

    @Test
    void testExceptionChainingAfterAwait() {
        // Java has no implicit exception context: the awaited exception arrives unchanged, nothing added.
        AtomicReference<Throwable> caught = new AtomicReference<>();
        AtomicReference<Task<Void>> failing = new AtomicReference<>();
        loop.runUntilComplete(() -> {
            try {
                throw new NoSuchElementException("3");
            } catch (NoSuchElementException active) {
                Task<Void> task = createTask(() -> {
                    throw new IllegalArgumentException("value");
                });
                failing.set(task);
                try {
                    await(task);
                    fail("await should have thrown");
                } catch (IllegalArgumentException e) {
                    caught.set(e);
                }
            }
            return null;
        });
        assertThat(caught.get()).isSameAs(failing.get().exception()).hasMessage("value");
        assertThat(caught.get().getCause()).isNull();
        assertThat(caught.get().getSuppressed()).isEmpty();
    }

    @Test
    void testExceptionChainingAfterAwaitWithContextCycle() {
        AtomicReference<Throwable> original = new AtomicReference<>();
        AtomicReference<Throwable> caught = new AtomicReference<>();
        loop.runUntilComplete(() -> {
            try {
                throw new NoSuchElementException("a");
            } catch (NoSuchElementException exc) {
                original.set(exc);
                Task<Void> task = createTask(() -> {
                    throw exc;
                });
                try {
                    await(task);
                } catch (Throwable e) {
                    caught.set(e);
                }
            }
            return null;
        });
        assertThat(caught.get()).isSameAs(original.get());
        assertThat(caught.get().getCause()).isNull(); // no cycle, no wrapping
        assertThat(caught.get().getSuppressed()).isEmpty();
    }

    // ------------------------------------------------------------------ cancel / cancelling / uncancel

    @Test
    void testCancelling() {
        Task<Void> t = loop.createTask(() -> {
            sleep(LONG);
            return null;
        });
        assertThat(t.cancelling()).isZero();
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThat(t.cancel()).isTrue(); // a second request still returns true
        assertThat(t.cancelling()).isEqualTo(2);
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void testUncancelBasic() {
        Task<Void> t = loop.createTask(() -> {
            try {
                sleep(LONG);
            } catch (CancelledError e) {
                currentTask().uncancel();
                sleep(LONG);
            }
            return null;
        });
        loop.runUntilComplete(() -> {
            sleep(Duration.ofMillis(2));
            return null;
        });

        // cancel the first sleep
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThat(t.isCancelled()).isFalse();
        loop.runUntilComplete(() -> {
            sleep(Duration.ofMillis(2));
            return null;
        });

        // after uncancel()
        assertThat(t.cancelling()).isZero();
        assertThat(t.isCancelled()).isFalse();
        assertThat(t.isDone()).isFalse();

        // cancel the second sleep
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThat(t.isCancelled()).isFalse();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(t.isCancelled()).isTrue();
        assertThat(t.isDone()).isTrue();

        // uncancel is no longer effective once the task is done
        t.uncancel();
        assertThat(t.isCancelled()).isTrue();
        assertThat(t.isDone()).isTrue();
    }

    /** Returns {timedOut, structuredBlockFinished, outerCodeReached}. */
    private static boolean[] makeRequestWithTimeout(Duration sleepFor, Duration timeout) {
        Task<?> task = currentTask();
        EventLoop l = task.getLoop();
        boolean[] r = new boolean[3];
        TimerHandle handle = l.callLater(timeout, () -> {
            r[0] = true;
            task.cancel();
        });
        try {
            try {
                sleep(sleepFor); // the structured block affected by the timeout
                r[1] = true;
            } catch (CancelledError e) {
                handle.cancel();
                if (r[0] && task.uncancel() == 0) {
                    throw new TimeoutError();
                }
                throw e;
            } finally {
                handle.cancel();
            }
        } catch (TimeoutError e) {
            assertThat(r[0]).isTrue();
        }
        r[2] = true; // outer code, not affected by the timeout
        sleep(Duration.ZERO);
        return r;
    }

    @Test
    void testUncancelStructuredBlocks() {
        Task<boolean[]> t1 = loop.createTask(() -> makeRequestWithTimeout(LONG, Duration.ofMillis(10)));
        boolean[] r1 = loop.runUntilComplete(t1);
        assertThat(r1[0]).as("timed out").isTrue();
        assertThat(r1[1]).as("structured block finished").isFalse();
        assertThat(r1[2]).as("outer code reached").isTrue();
        assertThat(t1.cancelling()).isZero();
        assertThat(t1.isCancelled()).isFalse();

        Task<boolean[]> t2 = loop.createTask(() -> makeRequestWithTimeout(Duration.ZERO, LONG));
        boolean[] r2 = loop.runUntilComplete(t2);
        assertThat(r2[0]).isFalse();
        assertThat(r2[1]).isTrue();
        assertThat(r2[2]).isTrue();
        assertThat(t2.cancelling()).isZero();
    }

    @Test
    void testUncancelResetsMustCancel() {
        Future<Void> fut = loop.createFuture();
        Task<Integer> task = loop.createTask(() -> {
            await(fut);
            return 42;
        });
        runBriefly(loop); // task waits for fut
        fut.setResult(null); // task is runnable
        task.cancel(); // a pending request, to be delivered when the task resumes
        assertThat(task.cancelling()).isEqualTo(1);
        task.uncancel(); // withdrawn before delivery
        assertThat(task.cancelling()).isZero();
        assertThat(loop.runUntilComplete(task)).isEqualTo(42);
        assertThat(task.isCancelled()).isFalse();
    }

    @Test
    void testCancel() {
        Task<Integer> t = loop.createTask(() -> {
            sleep(LONG);
            return 12;
        });
        loop.callSoon(() -> t.cancel());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(t.isDone()).isTrue();
        assertThat(t.isCancelled()).isTrue();
        int before = t.cancelling();
        assertThat(t.cancel()).isFalse();
        assertThat(t.cancelling()).isEqualTo(before); // a done task does not count requests
    }

    private static void checkCancelWithMessage(String message, boolean viaResult) {
        EventLoop l = Asyncio.newEventLoop();
        try {
            Task<Void> outer = l.createTask(() -> {
                Task<Void> task = createTask(() -> {
                    sleep(LONG);
                    return null;
                });
                sleep(Duration.ZERO);
                task.cancel(message);
                waitDone(task);
                if (viaResult) {
                    task.result();
                } else {
                    task.exception();
                }
                return null;
            });
            assertThatThrownBy(() -> l.runUntilComplete(outer))
                    .isInstanceOf(CancelledError.class)
                    .satisfies(e -> {
                        assertThat(e.getMessage()).isEqualTo(message);
                        assertThat(e.getCause()).isNull();
                    });
            assertThat(outer.isCancelled()).isTrue();
        } finally {
            l.close();
        }
    }

    @Test
    void testCancelWithMessageThenFutureResult() {
        checkCancelWithMessage(null, true);
        checkCancelWithMessage("my message", true);
    }

    @Test
    void testCancelWithMessageThenFutureException() {
        checkCancelWithMessage(null, false);
        checkCancelWithMessage("my message", false);
    }

    @Test
    void testCancellationExceptionContext() {
        Future<Void> fut = loop.createFuture();
        Task<Void> task = loop.createTask(() -> {
            Task<Void> innerTask = createTask(() -> {
                fut.setResult(null);
                sleep(LONG);
                return null;
            });
            await(fut);
            getRunningLoop().callSoon(() -> innerTask.cancel("msg"));
            try {
                await(innerTask);
            } catch (CancelledError ex) {
                throw new IllegalArgumentException("cancelled", ex);
            }
            return null;
        });
        assertThatThrownBy(() -> loop.runUntilComplete(task))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cancelled")
                .cause().isInstanceOf(CancelledError.class).hasMessage("msg").hasNoCause();
        assertThat(task.isCancelled()).isFalse();
    }

    @Test
    void testCancelWithMessageBeforeStartingTask() {
        AtomicBoolean bodyRan = new AtomicBoolean();
        Task<Void> outer = loop.createTask(() -> {
            Task<Void> task = createTask(() -> {
                bodyRan.set(true);
                sleep(LONG);
                return null;
            });
            // deliberately no sleep: the task has not started
            task.cancel("my message");
            waitDone(task);
            task.exception();
            return null;
        });
        assertThatThrownBy(() -> loop.runUntilComplete(outer))
                .isInstanceOf(CancelledError.class).hasMessage("my message");
        assertThat(bodyRan).isFalse(); // cancelled before its first step: the body never ran
    }

    @Test
    void testCancelYield() {
        List<String> steps = new ArrayList<>();
        Task<Integer> t = loop.createTask(() -> {
            steps.add("1");
            sleep(Duration.ZERO);
            steps.add("2");
            sleep(Duration.ZERO);
            steps.add("3");
            return 12;
        });
        runBriefly(loop); // start the coroutine
        assertThat(steps).isNotEmpty().doesNotContain("3");
        t.cancel();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(steps).doesNotContain("3");
        assertThat(t.isDone()).isTrue();
        assertThat(t.isCancelled()).isTrue();
        assertThat(t.cancel()).isFalse();
    }

    @Test
    void testCancelInnerFuture() {
        Future<Void> f = loop.createFuture();
        Task<Integer> t = loop.createTask(() -> {
            await(f);
            return 12;
        });
        runBriefly(loop); // start the task
        f.cancel();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(f.isCancelled()).isTrue();
        assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void testCancelBothTaskAndInnerFuture() {
        Future<Void> f = loop.createFuture();
        Task<Integer> t = loop.createTask(() -> {
            await(f);
            return 12;
        });
        runBriefly(loop);
        f.cancel();
        t.cancel();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(t.isDone()).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void testCancelTaskCatching() {
        Future<Void> fut1 = loop.createFuture();
        Future<Void> fut2 = loop.createFuture();
        Task<Integer> t = loop.createTask(() -> {
            await(fut1);
            try {
                await(fut2);
            } catch (CancelledError e) {
                return 42;
            }
            return 0;
        });
        runBriefly(loop);
        fut1.setResult(null);
        runBriefly(loop);
        assertThat(fut2.isCancelled()).isFalse();
        t.cancel();
        // the task waits on fut2, so the request reaches fut2 at once
        assertThat(fut2.isCancelled()).isTrue();
        assertThat(loop.runUntilComplete(t)).isEqualTo(42);
        assertThat(t.isCancelled()).isFalse();
    }

    @Test
    void testCancelTaskIgnoring() {
        Future<Void> fut1 = loop.createFuture();
        Future<Void> fut2 = loop.createFuture();
        Future<Integer> fut3 = loop.createFuture();
        Task<Integer> t = loop.createTask(() -> {
            await(fut1);
            try {
                await(fut2);
            } catch (CancelledError e) {
                // ignored
            }
            return await(fut3);
        });
        runBriefly(loop);
        fut1.setResult(null);
        runBriefly(loop);
        t.cancel();
        assertThat(fut2.isCancelled()).isTrue();
        runBriefly(loop);
        assertThat(t.isDone()).isFalse(); // now waiting on fut3
        fut3.setResult(42);
        assertThat(loop.runUntilComplete(t)).isEqualTo(42);
        assertThat(fut3.isCancelled()).isFalse();
        assertThat(t.isCancelled()).isFalse();
    }

    @Test
    void testCancelCurrentTask() {
        AtomicReference<Task<Integer>> self = new AtomicReference<>();
        List<String> log = new ArrayList<>();
        Task<Integer> t = loop.createTask(() -> {
            self.get().cancel();
            log.add("cancel requested, still running");
            sleep(Duration.ofSeconds(100)); // cancelled at once
            log.add("slept");
            return 12;
        });
        self.set(t);
        assertThat(t.isCancelled()).isFalse();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(log).containsExactly("cancel requested, still running");
        assertThat(t.isDone()).isTrue();
        assertThat(t.isCancelled()).isTrue();
        assertThat(t.cancel()).isFalse();
    }

    @Test
    void testCancelAtEnd() {
        // the coroutine returns right after the task cancelled itself
        AtomicReference<Task<Integer>> self = new AtomicReference<>();
        Task<Integer> t = loop.createTask(() -> {
            self.get().cancel("at end");
            return 12;
        });
        self.set(t);
        assertThatThrownBy(() -> loop.runUntilComplete(t))
                .isInstanceOf(CancelledError.class).hasMessage("at end");
        assertThat(t.isDone()).isTrue();
        assertThat(t.isCancelled()).isTrue();
        assertThat(t.cancel()).isFalse();
    }

    @Test
    void testCancelAwaitedTask() {
        // bpo-34872: a task cancelled while not blocked cancels whatever it blocks on next
        Future<Void> fut = loop.createFuture();
        AtomicReference<Task<Void>> self = new AtomicReference<>();
        AtomicReference<Task<Void>> nested = new AtomicReference<>();
        Task<Void> task = loop.createTask(() -> {
            nested.set(createTask(() -> {
                await(fut);
                return null;
            }));
            sleep(Duration.ZERO); // let the sub-task start
            self.get().cancel();
            await(nested.get()); // cancelled immediately, and the nested task with it
            return null;
        });
        self.set(task);
        assertThatThrownBy(() -> loop.runUntilComplete(task)).isInstanceOf(CancelledError.class);
        assertThat(task.isCancelled()).isTrue();
        assertThat(nested.get().isCancelled()).isTrue();
        assertThat(fut.isCancelled()).isTrue();
    }

    private static void nestedSleeper() {
        sleep(LONG); // this gets cancelled
    }

    @Test
    void testCancelTracebackForFutureResult() {
        Task<Void> task = loop.createTask(() -> {
            Task<Void> inner = createTask(() -> {
                nestedSleeper();
                return null;
            });
            sleep(Duration.ZERO);
            inner.cancel();
            await(inner);
            return null;
        });
        try {
            loop.runUntilComplete(task);
            fail("CancelledError did not occur");
        } catch (CancelledError e) {
            // the line that was interrupted is part of the trace
            assertThat(stackMentions(e, "nestedSleeper")).as("trace names nestedSleeper").isTrue();
        }
    }

    @Test
    void testCancelTracebackForFutureException() {
        Task<Void> task = loop.createTask(() -> {
            Task<Void> inner = createTask(() -> {
                nestedSleeper();
                return null;
            });
            sleep(Duration.ZERO);
            inner.cancel();
            waitDone(inner);
            inner.exception();
            return null;
        });
        try {
            loop.runUntilComplete(task);
            fail("CancelledError did not occur");
        } catch (CancelledError e) {
            assertThat(stackMentions(e, "nestedSleeper")).as("trace names nestedSleeper").isTrue();
        }
    }

    @Test
    void testStopWhileRunInComplete() {
        int[] x = {0};
        Task<Void> t = loop.createTask(() -> {
            while (x[0] < 10) {
                sleep(Duration.ofMillis(1));
                x[0]++;
                if (x[0] == 2) {
                    getRunningLoop().stop();
                }
            }
            return null;
        });
        assertThatThrownBy(() -> loop.runUntilComplete(t))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Event loop stopped before Future completed.");
        assertThat(t.isDone()).isFalse();
        assertThat(x[0]).isEqualTo(2);
        t.cancel();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(x[0]).isEqualTo(2);
    }

    @Test
    void testTaskCancelSleepingTask() {
        long t0 = System.nanoTime();
        String r = loop.runUntilComplete(() -> {
            Task<Void> sleeper = createTask(() -> {
                sleep(Duration.ofSeconds(5000));
                return null;
            });
            getRunningLoop().callLater(Duration.ofMillis(10), () -> sleeper.cancel());
            try {
                await(sleeper);
            } catch (CancelledError e) {
                return "cancelled";
            }
            return "slept in";
        });
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r).isEqualTo("cancelled");
        assertThat(ms).isBetween(9L, 5000L);
    }

    @Test
    void testTaskCancelWaiterFuture() {
        Future<Void> fut = loop.createFuture();
        Task<Void> task = loop.createTask(() -> {
            await(fut);
            return null;
        });
        runBriefly(loop);
        task.cancel();
        assertThat(fut.isCancelled()).isTrue(); // the future the task waits on is cancelled too
        runBriefly(loop);
        assertThatThrownBy(() -> loop.runUntilComplete(task)).isInstanceOf(CancelledError.class);
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void testTaskSetMethods() {
        Task<String> task = loop.createTask(() -> "ko");
        assertThatThrownBy(() -> task.setResult("ok"))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("not support setResult");
        assertThatThrownBy(() -> task.setException(new IllegalArgumentException()))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("not support setException");
        assertThat(loop.runUntilComplete(task)).isEqualTo("ko");
    }

    @Test
    void testStepResultFuture() {
        Future<Object> fut = loop.createFuture();
        AtomicReference<Object> result = new AtomicReference<>();
        Task<Void> t = loop.createTask(() -> {
            result.set(await(fut));
            return null;
        });
        runBriefly(loop);
        assertThat(t.isDone()).isFalse();
        Object res = new Object();
        fut.setResult(res);
        runBriefly(loop);
        assertThat(result.get()).isSameAs(res);
        assertThat(t.isDone()).isTrue();
        assertThat(t.result()).isNull();
    }

    /** Stands for Python's SystemExit: an Error, not an Exception. */
    private static final class SystemExit extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void testBaseexceptionDuringCancel() {
        SystemExit baseExc = new SystemExit();
        Task<Void> task = loop.createTask(() -> {
            try {
                sleep(LONG);
            } catch (CancelledError e) {
                throw baseExc;
            }
            return null;
        });
        runBriefly(loop);
        task.cancel();
        assertThat(task.isDone()).isFalse();
        runBriefly(loop);
        assertThat(task.isDone()).isTrue();
        assertThat(task.isCancelled()).isFalse();
        assertThat(task.exception()).isSameAs(baseExc);
    }

    @Test
    void testCoroutineNonGenFunctionReturnFuture() {
        // a coroutine that returns a future: the future is the result, it is not awaited
        Future<String> fut = loop.createFuture();
        Task<Future<String>> t1 = loop.createTask(() -> fut);
        Task<Void> t2 = loop.createTask(() -> {
            fut.setResult("test");
            return null;
        });
        assertThat(loop.runUntilComplete(t1)).isSameAs(fut);
        assertThat(t2.isDone()).isTrue();
        assertThat(t2.result()).isNull();
    }

    // ------------------------------------------------------------------ current_task / all_tasks

    @Test
    void testCurrentTask() {
        AtomicReference<Task<Void>> self = new AtomicReference<>();
        List<Object> seen = new ArrayList<>();
        Task<Void> task = loop.createTask(() -> {
            seen.add(currentTask());
            sleep(Duration.ZERO);
            seen.add(currentTask());
            return null;
        });
        self.set(task);
        loop.runUntilComplete(task);
        assertThat(seen).containsExactly(task, task);
    }

    @Test
    void testCurrentTaskWithInterleavingTasks() {
        Future<Boolean> fut1 = loop.createFuture();
        Future<Boolean> fut2 = loop.createFuture();
        AtomicReference<Task<Void>> task1 = new AtomicReference<>();
        AtomicReference<Task<Void>> task2 = new AtomicReference<>();
        List<String> log = new ArrayList<>();
        task1.set(loop.createTask(() -> {
            log.add("1:" + (currentTask() == task1.get()));
            await(fut1);
            log.add("1:" + (currentTask() == task1.get()));
            fut2.setResult(true);
            return null;
        }));
        task2.set(loop.createTask(() -> {
            log.add("2:" + (currentTask() == task2.get()));
            fut1.setResult(true);
            await(fut2);
            log.add("2:" + (currentTask() == task2.get()));
            return null;
        }));
        loop.runUntilComplete(() -> {
            await(task1.get());
            await(task2.get());
            return null;
        });
        assertThat(log).containsExactly("1:true", "2:true", "1:true", "2:true");
    }

    @Test
    void testCurrentTaskNoRunningLoopImplicit() {
        assertThatThrownBy(Asyncio::currentTask)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("running event loop");
    }

    @Test
    void testCurrentTaskInCallbackIsNull() {
        List<Object> seen = new ArrayList<>();
        Task<Void> task = loop.createTask(() -> {
            Future<Void> done = getRunningLoop().createFuture();
            getRunningLoop().callSoon(() -> {
                seen.add(String.valueOf(currentTask()));
                done.setResult(null);
            });
            await(done);
            seen.add(currentTask());
            return null;
        });
        loop.runUntilComplete(task);
        assertThat(seen).containsExactly("null", task);
    }

    @Test
    void testAllTasks() {
        loop.runUntilComplete(() -> {
            Task<?> me = currentTask();
            Task<Void> pending = createTask(() -> {
                sleep(LONG);
                return null;
            });
            Task<Integer> quick = createTask(() -> 1);
            assertThat(allTasks()).containsExactly(me, pending, quick);
            await(quick);
            assertThat(allTasks()).containsExactly(me, pending);
            pending.cancel();
            waitDone(pending);
            assertThat(allTasks()).containsExactly(me);
            return null;
        });
    }

    // ------------------------------------------------------------------ propagation through nested awaits

    private static void innerWaiter(Future<Void> waiter, int[] proof) {
        try {
            await(waiter);
        } catch (CancelledError e) {
            proof[0] += 1;
            throw e;
        }
        fail("got past the await in inner()");
    }

    @Test
    void testYieldFuturePassesCancel() {
        // cancelling outer() cancels inner() cancels waiter
        int[] proof = {0};
        Future<Void> waiter = loop.createFuture();
        Task<Void> f = loop.createTask(() -> {
            try {
                innerWaiter(waiter, proof);
                proof[0] += 10;
            } catch (CancelledError e) {
                proof[0] += 100; // expected path
            }
            return null;
        });
        runBriefly(loop);
        f.cancel();
        loop.runUntilComplete(f);
        assertThat(proof[0]).isEqualTo(101);
        assertThat(waiter.isCancelled()).isTrue();
        assertThat(f.isCancelled()).isFalse(); // the coroutine handled it
        assertThat(f.cancelling()).isEqualTo(1);
    }

    @Test
    void testCancelPropagatesThroughTaskChain() {
        // outer awaits inner awaits fut: cancellation goes inward at once, CancelledError comes back out
        Future<String> fut = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<String> inner = loop.createTask(() -> {
            try {
                return await(fut);
            } catch (CancelledError e) {
                log.add("inner:" + e.getMessage());
                throw e;
            }
        });
        Task<String> outer = loop.createTask(() -> {
            try {
                return await(inner);
            } catch (CancelledError e) {
                log.add("outer:" + e.getMessage());
                throw e;
            }
        });
        runBriefly(loop);
        assertThat(outer.cancel("stop")).isTrue();
        assertThat(outer.cancelling()).isEqualTo(1);
        assertThat(inner.cancelling()).isEqualTo(1);
        assertThat(fut.isCancelled()).isTrue();
        assertThat(log).isEmpty(); // nothing ran yet: only requests were made
        assertThatThrownBy(() -> loop.runUntilComplete(outer))
                .isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(log).containsExactly("inner:stop", "outer:stop");
        assertThat(inner.isCancelled()).isTrue();
        assertThat(outer.isCancelled()).isTrue();
    }

    @Test
    void testCancelOuterWhileInnerTaskSwallowsCancellation() {
        // the request is passed to the awaited task; if that task refuses it, the awaiter gets its result
        Future<Void> fut = loop.createFuture();
        Task<String> inner = loop.createTask(() -> {
            try {
                await(fut);
                return "inner done";
            } catch (CancelledError e) {
                return "inner swallowed";
            }
        });
        Task<String> outer = loop.createTask(() -> "outer got " + await(inner));
        runBriefly(loop);
        assertThat(outer.cancel()).isTrue();
        assertThat(loop.runUntilComplete(outer)).isEqualTo("outer got inner swallowed");
        assertThat(outer.isCancelled()).isFalse();
        assertThat(inner.isCancelled()).isFalse();
        assertThat(outer.cancelling()).isEqualTo(1);
        assertThat(inner.cancelling()).isEqualTo(1);
    }

    @Test
    void testCancelTaskAwaitingTaskThatFinishes() {
        // the awaited task finished, but the awaiter has not resumed yet: the request is kept and delivered
        Future<Integer> fut = loop.createFuture();
        Task<Integer> inner = loop.createTask(() -> await(fut));
        AtomicReference<Task<Integer>> outerRef = new AtomicReference<>();
        AtomicBoolean cancelResult = new AtomicBoolean();
        // registered before the outer task waits on inner, so it runs before the outer task resumes
        inner.addDoneCallback(f -> cancelResult.set(outerRef.get().cancel()));
        Task<Integer> outer = loop.createTask(() -> await(inner) + 1);
        outerRef.set(outer);
        runBriefly(loop);
        fut.setResult(41);
        assertThatThrownBy(() -> loop.runUntilComplete(outer)).isInstanceOf(CancelledError.class);
        assertThat(cancelResult).isTrue();
        assertThat(inner.isCancelled()).isFalse();
        assertThat(inner.result()).isEqualTo(41);
        assertThat(outer.isCancelled()).isTrue();
    }

    @Test
    void testCancelAfterCoroutineSwallowedCancelledError() {
        Future<Void> f1 = loop.createFuture();
        Future<Void> f2 = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<String> t = loop.createTask(() -> {
            try {
                await(f1);
            } catch (CancelledError e) {
                log.add("swallowed");
            }
            try {
                await(f2);
            } catch (CancelledError e) {
                log.add("second");
                throw e;
            }
            return "done";
        });
        runBriefly(loop);
        assertThat(t.cancel()).isTrue();
        runBriefly(loop);
        assertThat(log).containsExactly("swallowed");
        assertThat(t.isDone()).isFalse();
        assertThat(t.cancelling()).isEqualTo(1); // swallowing does not withdraw the request
        assertThat(f2.isDone()).isFalse();
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancelling()).isEqualTo(2);
        assertThat(f2.isCancelled()).isTrue();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("swallowed", "second");
        assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void testCancelBeforeStartThenUncancel() {
        AtomicBoolean ran = new AtomicBoolean();
        Task<String> t = loop.createTask(() -> {
            ran.set(true);
            return "ran";
        });
        assertThat(t.cancel()).isTrue();
        assertThat(t.uncancel()).isZero();
        assertThat(loop.runUntilComplete(t)).isEqualTo("ran");
        assertThat(ran).isTrue();
        assertThat(t.isCancelled()).isFalse();
    }

    @Test
    void testCancelAfterAwaitedFutureFailed() {
        // the awaited future failed, then the task was cancelled before it resumed: the task ends
        // cancelled, and the future's exception counts as retrieved by the task (asyncio's __wakeup
        // calls future.result() before throwing CancelledError in), so nothing is reported
        List<Map<String, Object>> contexts = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> contexts.add(ctx));
        Future<Void> fut = loop.createFuture();
        Task<Void> t = loop.createTask(() -> {
            await(fut);
            return null;
        });
        runBriefly(loop);
        fut.setException(new IOException("failed"));
        assertThat(t.cancel("late")).isTrue();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class).hasMessage("late");
        assertThat(t.isCancelled()).isTrue();
        loop.close();
        assertThat(contexts).isEmpty();
    }

    @Test
    void testCancelCurrentTaskThenAwaitDoneFuture() {
        // awaiting a done future does not suspend, so a pending request waits for the next suspension
        List<String> log = new ArrayList<>();
        Task<Void> t = loop.createTask(() -> {
            currentTask().cancel("later");
            Future<String> done = getRunningLoop().createFuture();
            done.setResult("x");
            log.add(await(done));
            try {
                sleep(Duration.ZERO);
            } catch (CancelledError e) {
                log.add("cancelled:" + e.getMessage());
                throw e;
            }
            log.add("not reached");
            return null;
        });
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(log).containsExactly("x", "cancelled:later");
    }

    @Test
    void testCoroutineRaisingCancelledErrorCancelsTask() {
        // a CancelledError escaping the coroutine cancels the task even without a request
        Task<Void> t = loop.createTask(() -> {
            throw new CancelledError("by hand");
        });
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class).hasMessage("by hand");
        assertThat(t.isCancelled()).isTrue();
        assertThat(t.cancelling()).isZero();
    }

    // ------------------------------------------------------------------ results, exceptions, callbacks

    @Test
    void testTaskResultWhilePending() {
        Task<Integer> t = loop.createTask(() -> {
            sleep(LONG);
            return 1;
        });
        assertThatThrownBy(t::result).isInstanceOf(InvalidStateError.class);
        assertThatThrownBy(t::exception).isInstanceOf(InvalidStateError.class);
        t.cancel("gone");
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThatThrownBy(t::result).isInstanceOf(CancelledError.class).hasMessage("gone");
        assertThatThrownBy(t::exception).isInstanceOf(CancelledError.class).hasMessage("gone");
    }

    @Test
    void testTaskExceptionIsRethrownUnchanged() {
        IOException boom = new IOException("disk");
        Task<Void> t = loop.createTask(() -> {
            throw boom;
        });
        AtomicReference<Throwable> seenByAwaiter = new AtomicReference<>();
        Task<Void> awaiter = loop.createTask(() -> {
            try {
                await(t);
            } catch (Exception e) {
                seenByAwaiter.set(e);
            }
            return null;
        });
        loop.runUntilComplete(awaiter);
        assertThat(seenByAwaiter.get()).isSameAs(boom);
        assertThat(t.exception()).isSameAs(boom);
        assertThat(t.isCancelled()).isFalse();
        assertThatThrownBy(t::result).isSameAs(boom);
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isSameAs(boom);
    }

    private static int divideByZero() {
        int zero = 0;
        return 1 / zero;
    }

    @Test
    void testExceptionTraceback() {
        loop.runUntilComplete(() -> {
            Task<Integer> task = createTask(TasksTest::divideByZero);
            sleep(Duration.ZERO); // skip one loop iteration
            Throwable e = task.exception();
            assertThat(e).isInstanceOf(ArithmeticException.class);
            assertThat(stackMentions(e, "divideByZero")).isTrue();
            return null;
        });
    }

    @Test
    void testTaskDoneCallbacksRunSoonInOrder() {
        List<String> log = new ArrayList<>();
        AtomicReference<Task<Integer>> ref = new AtomicReference<>();
        Task<Integer> t = loop.createTask(() -> {
            log.add("body");
            getRunningLoop().callSoon(() -> log.add("soon"));
            return 7;
        });
        ref.set(t);
        t.addDoneCallback(f -> log.add("cb1:" + f.result() + ":" + (f == ref.get())));
        t.addDoneCallback(f -> log.add("cb2"));
        loop.runUntilComplete(t);
        // callbacks are scheduled (after what was already scheduled), not run inline, in order
        assertThat(log).containsExactly("body", "soon", "cb1:7:true", "cb2");
    }

    @Test
    void testTaskDoneCallbackAddedAfterDone() {
        List<String> log = new ArrayList<>();
        Task<Integer> t = loop.createTask(() -> 5);
        loop.runUntilComplete(t);
        t.addDoneCallback(f -> log.add("late:" + f.result()));
        assertThat(log).isEmpty(); // scheduled, not run inline
        runBriefly(loop);
        assertThat(log).containsExactly("late:5");
    }

    @Test
    void testRemoveTaskDoneCallback() {
        List<String> log = new ArrayList<>();
        Consumer<Future<Integer>> cb = f -> log.add("removed");
        Task<Integer> t = loop.createTask(() -> 5);
        t.addDoneCallback(cb);
        t.addDoneCallback(f -> log.add("kept"));
        t.addDoneCallback(cb);
        assertThat(t.removeDoneCallback(cb)).isEqualTo(2);
        loop.runUntilComplete(t);
        runBriefly(loop);
        assertThat(log).containsExactly("kept");
    }

    @Test
    void testAwaitDoneFutureDoesNotYield() {
        List<String> log = loop.runUntilComplete(() -> {
            List<String> l = new ArrayList<>();
            Future<String> done = getRunningLoop().createFuture();
            done.setResult("x");
            getRunningLoop().callSoon(() -> l.add("callback"));
            l.add("await:" + await(done));
            l.add("after");
            sleep(Duration.ZERO);
            return l;
        });
        assertThat(log).containsExactly("await:x", "after", "callback");
    }

    // ------------------------------------------------------------------ reporting

    @Test
    void testLogDestroyedPendingTask() {
        List<Map<String, Object>> contexts = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> contexts.add(ctx));
        loop.setDebug(true);
        AtomicBoolean reached = new AtomicBoolean();
        Task<Void> task = loop.createTask(() -> {
            Future<Void> future = getRunningLoop().createFuture();
            await(future);
            reached.set(true);
            throw new Exception("code never reached");
        });
        runBriefly(loop); // the task now waits for its future, forever
        assertThat(contexts).isEmpty();
        loop.close();
        List<Map<String, Object>> destroyed = contexts.stream()
                .filter(c -> "Task was destroyed but it is pending!".equals(c.get("message"))).toList();
        assertThat(destroyed).hasSize(1);
        assertThat(destroyed.get(0).get("task")).isSameAs(task);
        // debug mode: the report says where the task was created
        assertThat(destroyed.get(0).get("source_traceback")).isInstanceOfSatisfying(Throwable.class,
                created -> assertThat(stackMentions(created, "testLogDestroyedPendingTask")).isTrue());
        assertThat(reached).isFalse();
    }

    @Test
    void testTbLoggerNotCalledAfterCancel() {
        // cancel() on a task that failed marks its exception as handled: nothing is logged
        List<Map<String, Object>> contexts = Collections.synchronizedList(new ArrayList<>());
        loop.setExceptionHandler((l, ctx) -> contexts.add(ctx));
        loop.runUntilComplete(() -> {
            Task<Void> task = createTask(() -> {
                throw new IllegalArgumentException("type error");
            });
            sleep(Duration.ofMillis(5));
            assertThat(task.isDone()).isTrue();
            assertThat(task.cancel()).isFalse();
            return null;
        });
        loop.close();
        assertThat(contexts).isEmpty();
    }

    // ------------------------------------------------------------------ creating tasks

    @Test
    void testCreateTaskWithNoncoroutine() {
        assertThatThrownBy(() -> loop.createTask(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> loop.createTask(null)).isInstanceOf(NullPointerException.class);
        // nothing was registered
        assertThat(loop.runUntilComplete(() -> allTasks().size())).isEqualTo(1);
    }

    @Test
    void testCreateTaskWithAsyncFunction() {
        int[] runs = {0};
        dev.asyncio4j.Coroutine<String> coro = () -> {
            runs[0]++;
            return "r" + runs[0];
        };
        Task<String> a = loop.createTask(coro);
        assertThat(loop.runUntilComplete(a)).isEqualTo("r1");
        Task<String> b = loop.createTask(coro);
        assertThat(b).isNotSameAs(a);
        assertThat(loop.runUntilComplete(b)).isEqualTo("r2");
        assertThat(runs[0]).isEqualTo(2);
    }

    @Test
    void testBareCreateTask() {
        int r = loop.runUntilComplete(() -> {
            Task<Integer> task = createTask(() -> 1);
            assertThat(task.getLoop()).isSameAs(getRunningLoop());
            return await(task);
        });
        assertThat(r).isEqualTo(1);
    }

    @Test
    void testBareCreateNamedTask() {
        String name = loop.runUntilComplete(() -> {
            Task<String> task = createTask(() -> currentTask().getName(), "No-op");
            assertThat(task.getName()).isEqualTo("No-op");
            return await(task);
        });
        assertThat(name).isEqualTo("No-op");
    }

    // ------------------------------------------------------------------ run_coroutine_threadsafe

    private static int add(int a, int b, boolean failing, boolean cancel, Duration work) {
        sleep(work);
        if (failing) {
            throw new IllegalStateException("Fail!");
        }
        if (cancel) {
            currentTask().cancel();
            sleep(Duration.ZERO);
        }
        return a + b;
    }

    /** Runs add() on the loop from a foreign thread, as CPython's target(). */
    private int target(boolean failing, boolean cancel, Duration timeout) throws Exception {
        // with a timeout the coroutine never finishes in time, whatever the scheduling of this thread
        Duration work = timeout == null ? Duration.ofMillis(5) : LONG;
        CompletableFuture<Integer> future = Asyncio.runCoroutineThreadsafe(
                () -> add(1, 2, failing, cancel, work), loop);
        try {
            return timeout == null ? future.get() : future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        } finally {
            if (!future.isDone()) {
                future.cancel(false);
            }
        }
    }

    @Test
    void testRunCoroutineThreadsafe() {
        Future<Integer> future = loop.runInExecutor(null, () -> target(false, false, null));
        assertThat(loop.runUntilComplete(future)).isEqualTo(3);
    }

    @Test
    void testRunCoroutineThreadsafeWithException() {
        Future<Integer> future = loop.runInExecutor(null, () -> target(true, false, null));
        assertThatThrownBy(() -> loop.runUntilComplete(future))
                .isInstanceOf(IllegalStateException.class).hasMessage("Fail!");
    }

    @Test
    void testRunCoroutineThreadsafeWithTimeout() {
        Future<Integer> future = loop.runInExecutor(null, () -> target(false, false, Duration.ZERO));
        assertThatThrownBy(() -> loop.runUntilComplete(future))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        runBriefly(loop);
        // no pending task is left: add() was cancelled (or never started)
        assertThat(loop.runUntilComplete(() -> allTasks().size())).isEqualTo(1);
    }

    @Test
    void testRunCoroutineThreadsafeTaskCancelled() {
        Future<Integer> future = loop.runInExecutor(null, () -> target(false, true, null));
        assertThatThrownBy(() -> loop.runUntilComplete(future)).isInstanceOf(CancellationException.class);
    }

    // ------------------------------------------------------------------ sleep

    @Test
    void testSleepZero() {
        int[] result = {0};
        loop.runUntilComplete(() -> {
            getRunningLoop().callSoon(() -> result[0] += 1);
            assertThat(result[0]).isZero();
            sleep(Duration.ZERO);
            assertThat(result[0]).isEqualTo(1); // the callback ran during sleep(0)
            result[0] += 10;
            return null;
        });
        assertThat(result[0]).isEqualTo(11);
    }

    @Test
    void testSleep() {
        long t0 = System.nanoTime();
        Task<String> t = loop.createTask(() -> {
            sleep(Duration.ofMillis(10));
            sleep(Duration.ofMillis(10));
            return "yeah";
        });
        loop.runUntilComplete(t);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(t.isDone()).isTrue();
        assertThat(t.result()).isEqualTo("yeah");
        assertThat(ms).isBetween(19L, 5000L);
    }

    // ------------------------------------------------------------------ the one-at-a-time guarantee

    @Test
    void testBlockingCallKeepsTheLoop() {
        // a task parked in a blocking JDK call keeps the loop: nothing else of the loop runs until it returns
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        long[] aEnded = new long[1];
        long[] bRan = new long[1];
        loop.runUntilComplete(() -> {
            Task<Void> a = createTask(() -> {
                log.add("a:start");
                Thread.sleep(50);
                aEnded[0] = System.nanoTime();
                log.add("a:end");
                return null;
            });
            Task<Void> b = createTask(() -> {
                bRan[0] = System.nanoTime();
                log.add("b");
                return null;
            });
            getRunningLoop().callLater(Duration.ofMillis(5), () -> log.add("timer"));
            await(a);
            await(b);
            sleep(Duration.ofMillis(10));
            return null;
        });
        assertThat(log).containsExactly("a:start", "a:end", "b", "timer");
        assertThat(bRan[0]).isGreaterThanOrEqualTo(aEnded[0]);
    }

    @Test
    void testTasksShareStateWithoutLocks() {
        // N tasks doing read / (no await) / increment never lose an update
        int tasks = 50;
        int rounds = 200;
        int[] counter = {0};
        loop.runUntilComplete(() -> {
            List<Task<Void>> all = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                all.add(createTask(() -> {
                    for (int r = 0; r < rounds; r++) {
                        int v = counter[0];
                        Thread.yield(); // a JDK-level yield is not an await: no other task may run here
                        counter[0] = v + 1;
                        sleep(Duration.ZERO);
                    }
                    return null;
                }));
            }
            for (Task<Void> t : all) {
                await(t);
            }
            return null;
        });
        assertThat(counter[0]).isEqualTo(tasks * rounds);
    }
}
