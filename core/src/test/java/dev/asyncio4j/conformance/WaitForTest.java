/*
 * Conformance tests for Asyncio.waitFor().
 *
 * Behaviours ported (not code) from CPython's Lib/test/test_asyncio/test_waitfor.py
 * (AsyncioWaitForTest and WaitForShieldTests, 3.12/3.13 versions). Method names are the CPython ones,
 * camelCased; durations are scaled down (tens of ms at most). CPython's wait_for(coro) runs the
 * coroutine in the caller's task; asyncio4j's waitFor(Coroutine) wraps it in a task, so the
 * coroutine cases observe the same outcomes through a child task. Python's exception __context__
 * chaining maps to Throwable.getCause() here.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.currentTask;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.shield;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Future;
import dev.asyncio4j.ReturnWhen;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimeoutError;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WaitForTest {

    /** CPython's _EPSILON: passes "timeout > 0" but is negligible. */
    private static final Duration EPSILON = Duration.ofNanos(100_000);

    private static <T> Future<T> newFuture() {
        return getRunningLoop().createFuture();
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** A task body that runs for TASK_TIMEOUT, ignoring cancellation requests (CPython's SlowTask). */
    private static final class SlowTask {
        static final Duration TASK_TIMEOUT = ms(40);
        volatile boolean exited;

        Void run() {
            long exitAt = System.nanoTime() + TASK_TIMEOUT.toNanos();
            for (;;) {
                long toSleep = exitAt - System.nanoTime();
                if (toSleep <= 0) {
                    break;
                }
                try {
                    sleep(Duration.ofNanos(toSleep));
                } catch (CancelledError ignored) {
                    // refuses cancellation
                }
            }
            exited = true;
            return null;
        }
    }

    // ------------------------------------------------------------------ AsyncioWaitForTest

    @Test
    void testAsyncioWaitForCancelled() {
        Asyncio.run(() -> {
            SlowTask t = new SlowTask();
            Task<Void> waitForTask = createTask(() -> waitFor(t::run, SlowTask.TASK_TIMEOUT.multipliedBy(2)));
            sleep(Duration.ZERO);
            waitForTask.cancel();
            Asyncio.wait(List.of(waitForTask), null, ReturnWhen.ALL_COMPLETED);
            assertThat(t.exited).isTrue();
            return null;
        });
    }

    @Test
    void testAsyncioWaitForTimeout() {
        Asyncio.run(() -> {
            SlowTask t = new SlowTask();
            try {
                waitFor(t::run, SlowTask.TASK_TIMEOUT.dividedBy(2));
            } catch (TimeoutError expected) {
                // either outcome is fine: the point is that waitFor waited for the inner to end
            }
            assertThat(t.exited).isTrue();
            return null;
        });
    }

    @Test
    void testWaitForTimeoutLessThen0Or0FutureDone() {
        Asyncio.run(() -> {
            Future<String> fut = newFuture();
            fut.setResult("done");
            long t0 = System.nanoTime();
            String ret = waitFor(fut, Duration.ZERO);
            assertThat(ret).isEqualTo("done");
            assertThat(fut.isDone()).isTrue();
            assertThat(millisSince(t0)).isLessThan(1_000);
            return null;
        });
    }

    @Test
    void testWaitForTimeoutLessThen0Or0CoroutineDoNotStarted() {
        Asyncio.run(() -> {
            boolean[] fooStarted = {false};
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> waitFor(() -> {
                fooStarted[0] = true;
                return null;
            }, Duration.ZERO)).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
            assertThat(fooStarted[0]).isFalse();
            assertThat(millisSince(t0)).isLessThan(1_000);
            return null;
        });
    }

    @Test
    void testWaitForTimeoutLessThen0Or0() {
        for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
            Asyncio.run(() -> {
                Boolean[] fooRunning = {null};
                Future<Void> started = newFuture();
                Task<String> fut = createTask(() -> {
                    fooRunning[0] = true;
                    started.setResult(null);
                    try {
                        sleep(Duration.ofSeconds(10));
                    } finally {
                        fooRunning[0] = false;
                    }
                    return "done";
                });
                await(started);
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> waitFor(fut, timeout)).as("timeout %s", timeout)
                        .isInstanceOf(TimeoutError.class);
                assertThat(millisSince(t0)).isLessThan(1_000);
                assertThat(fut.isDone()).isTrue();
                // it should have been cancelled due to the timeout
                assertThat(fut.isCancelled()).isTrue();
                assertThat(fooRunning[0]).isFalse();
                return null;
            });
        }
    }

    @Test
    void testWaitFor() {
        Asyncio.run(() -> {
            Boolean[] fooRunning = {null};
            Task<String> fut = createTask(() -> {
                fooRunning[0] = true;
                try {
                    sleep(Duration.ofSeconds(10));
                } finally {
                    fooRunning[0] = false;
                }
                return "done";
            });
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> waitFor(fut, ms(30))).isInstanceOf(TimeoutError.class);
            assertThat(millisSince(t0)).isBetween(29L, 5_000L);
            assertThat(fut.isDone()).isTrue();
            assertThat(fut.isCancelled()).isTrue();
            assertThat(fooRunning[0]).isFalse();
            return null;
        });
    }

    @Test
    void testWaitForBlocking() {
        Asyncio.run(() -> {
            assertThat(waitFor(() -> "done", null)).isEqualTo("done");
            return null;
        });
    }

    @Test
    void testWaitForRaceCondition() {
        Asyncio.run(() -> {
            Future<String> fut = newFuture();
            getRunningLoop().callLater(ms(10), () -> fut.setResult("ok"));
            assertThat(waitFor(fut, ms(500))).isEqualTo("ok");
            assertThat(fut.isCancelled()).isFalse();
            return null;
        });
    }

    /** The inner swallows the timeout's cancellation and returns: waitFor returns its value. */
    @Test
    void testWaitForCancellationRaceCondition() {
        Asyncio.run(() -> {
            int result = waitFor(() -> {
                assertThatThrownBy(() -> sleep(Duration.ofSeconds(1))).isInstanceOf(CancelledError.class);
                return 1;
            }, ms(10));
            assertThat(result).isEqualTo(1);
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    @Test
    void testWaitForWaitsForTaskCancellation() {
        Asyncio.run(() -> {
            boolean[] taskDone = {false};
            Task<Void> innerTask = createTask(() -> {
                try {
                    sleep(Duration.ofSeconds(10));
                } catch (CancelledError e) {
                    sleep(EPSILON);
                    throw e;
                } finally {
                    taskDone[0] = true;
                }
                return null;
            });
            Throwable thrown = catchThrowable(() -> waitFor(innerTask, EPSILON));
            assertThat(thrown).isInstanceOf(TimeoutError.class);
            assertThat(taskDone[0]).isTrue();
            assertThat(thrown.getCause()).isInstanceOf(CancelledError.class);
            assertThat(innerTask.isCancelled()).isTrue();
            return null;
        });
    }

    @Test
    void testWaitForWaitsForTaskCancellationWTimeout0() {
        Asyncio.run(() -> {
            boolean[] taskDone = {false};
            Task<Void> foo = createTask(() -> {
                Task<Void> innerTask = createTask(() -> {
                    try {
                        sleep(Duration.ofSeconds(10));
                    } catch (CancelledError e) {
                        sleep(EPSILON);
                        throw e;
                    } finally {
                        taskDone[0] = true;
                    }
                    return null;
                });
                sleep(EPSILON);
                waitFor(innerTask, Duration.ZERO);
                return null;
            });
            Throwable thrown = catchThrowable(() -> await(foo));
            assertThat(thrown).isInstanceOf(TimeoutError.class);
            assertThat(taskDone[0]).isTrue();
            assertThat(thrown.getCause()).isInstanceOf(CancelledError.class);
            return null;
        });
    }

    static final class FooException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void testWaitForReraisesExceptionDuringCancellation() {
        Asyncio.run(() -> {
            Task<Void> foo = createTask(() -> {
                Task<Void> innerTask = createTask(() -> {
                    try {
                        sleep(ms(200));
                    } catch (CancelledError e) {
                        throw new FooException();
                    }
                    return null;
                });
                waitFor(innerTask, EPSILON);
                return null;
            });
            assertThatThrownBy(() -> await(foo)).isInstanceOf(FooException.class);
            return null;
        });
    }

    /** Same with a zero timeout: the exception raised while being cancelled is what the caller gets. */
    @Test
    void testWaitForReraisesExceptionDuringCancellationWTimeout0() {
        Asyncio.run(() -> {
            Task<Void> innerTask = createTask(() -> {
                try {
                    sleep(ms(200));
                } catch (CancelledError e) {
                    throw new FooException();
                }
                return null;
            });
            sleep(Duration.ZERO);
            assertThatThrownBy(() -> waitFor(innerTask, Duration.ZERO)).isInstanceOf(FooException.class);
            assertThat(innerTask.isCancelled()).isFalse();
            return null;
        });
    }

    /** A waitFor task cancelled before it runs is cancelled; the inner task is left alone. */
    @Test
    void testWaitForSelfCancellation() {
        Asyncio.run(() -> {
            Task<Integer> innerTask = createTask(() -> {
                try {
                    sleep(ms(30));
                } catch (CancelledError e) {
                    try {
                        sleep(ms(30));
                    } catch (CancelledError e2) {
                        sleep(ms(30));
                    }
                }
                return 42;
            });
            Task<Integer> task = createTask(() -> waitFor(innerTask, ms(10)));
            task.cancel();
            assertThatThrownBy(() -> await(task)).isInstanceOf(CancelledError.class);
            assertThat(task.isCancelled()).isTrue();
            assertThat(await(innerTask)).isEqualTo(42);
            return null;
        });
    }

    /** Python issue #23219: cancelling the waitFor must also cancel the awaited task. */
    private static void checkCancelWaitFor(Duration timeout) {
        Asyncio.run(() -> {
            Task<Void> task = createTask(() -> {
                Future<Void> fut = newFuture();
                await(fut); // never set
                return null;
            });
            Task<Void> wait = createTask(() -> waitFor(task, timeout));
            getRunningLoop().callSoon(wait::cancel);
            assertThatThrownBy(() -> await(wait)).isInstanceOf(CancelledError.class);
            assertThat(task.isCancelled()).isTrue();
            return null;
        });
    }

    @Test
    void testCancelBlockingWaitFor() {
        checkCancelWaitFor(null);
    }

    @Test
    void testCancelWaitFor() {
        checkCancelWaitFor(Duration.ofSeconds(60));
    }

    /** GH-86296: an inner that suppresses the cancellation and returns a value makes waitFor return it. */
    @Test
    void testWaitForCancelSuppressed() {
        Asyncio.run(() -> {
            int res = waitFor(() -> {
                try {
                    sleep(Duration.ofSeconds(10));
                } catch (CancelledError e) {
                    return 42;
                }
                return 0;
            }, ms(20));
            assertThat(res).isEqualTo(42);
            return null;
        });
    }

    /** GH-86296: a task cancelled right after waitFor returned is cancelled, not run to completion. */
    @Test
    void testWaitForIssue86296() {
        Asyncio.run(() -> {
            Task<String> innerTask = createTask(() -> "done");
            boolean[] reachedEnd = {false};
            Task<Void> task = createTask(() -> {
                waitFor(innerTask, Duration.ofSeconds(100));
                sleep(Duration.ofSeconds(1));
                reachedEnd[0] = true;
                return null;
            });
            assertThat(task.isDone()).isFalse();
            sleep(Duration.ZERO); // run the task
            task.cancel();
            assertThatThrownBy(() -> await(task)).isInstanceOf(CancelledError.class);
            assertThat(innerTask.isDone()).isTrue();
            assertThat(await(innerTask)).isEqualTo("done");
            assertThat(reachedEnd[0]).isFalse();
            return null;
        });
    }

    // ------------------------------------------------------------------ WaitForShieldTests

    @Test
    void testZeroTimeout() {
        Asyncio.run(() -> {
            Task<String> task = createTask(() -> {
                sleep(ms(30));
                return "done";
            });
            Future<String> shieldedTask = shield(task);
            assertThatThrownBy(() -> waitFor(shieldedTask, Duration.ZERO)).isInstanceOf(TimeoutError.class);
            // the task runs on in the background
            assertThat(task.isDone()).isFalse();
            assertThat(task.isCancelled()).isFalse();
            assertThat(shieldedTask.isCancelled()).isTrue();
            assertThat(await(task)).isEqualTo("done");
            return null;
        });
    }

    @Test
    void testNoneTimeout() {
        Asyncio.run(() -> {
            Task<String> task = createTask(() -> {
                sleep(ms(10));
                return "done";
            });
            assertThat(waitFor(shield(task), null)).isEqualTo("done");
            assertThat(task.isDone()).isTrue();
            assertThat(await(task)).isEqualTo("done");
            return null;
        });
    }

    @Test
    void testShieldedTimeout() {
        Asyncio.run(() -> {
            Task<String> task = createTask(() -> {
                sleep(ms(40));
                return "done";
            });
            assertThatThrownBy(() -> waitFor(shield(task), ms(5))).isInstanceOf(TimeoutError.class);
            assertThat(task.isDone()).isFalse();
            assertThat(task.isCancelled()).isFalse();
            assertThat(await(task)).isEqualTo("done");
            return null;
        });
    }

    // ------------------------------------------------------------------ asyncio semantics without a 1:1 CPython test

    /** A result in time: the inner is not cancelled and the deadline does not fire later on the caller. */
    @Test
    void testWaitForResultInTimeLeavesNoDeadlineBehind() {
        Asyncio.run(() -> {
            Task<String> task = createTask(() -> {
                sleep(ms(5));
                return "fast";
            });
            sleep(Duration.ZERO); // the task's timer is registered before the deadline
            assertThat(waitFor(task, ms(30))).isEqualTo("fast");
            assertThat(task.isCancelled()).isFalse();
            sleep(ms(50)); // past the old deadline: must not be cancelled
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    /** After a timeout the caller's cancellation count is restored: only the deadline's request is withdrawn. */
    @Test
    void testWaitForTimeoutRestoresCancelling() {
        Asyncio.run(() -> {
            List<String> events = new ArrayList<>();
            Task<Void> caller = createTask(() -> {
                try {
                    waitFor(() -> {
                        sleep(Duration.ofSeconds(10));
                        return null;
                    }, ms(10));
                } catch (TimeoutError e) {
                    events.add("timeout, cancelling=" + currentTask().cancelling());
                }
                sleep(ms(5));
                events.add("still running");
                return null;
            });
            await(caller);
            assertThat(events).containsExactly("timeout, cancelling=0", "still running");
            assertThat(caller.isCancelled()).isFalse();
            return null;
        });
    }

    /** An outside cancellation during waitFor stays a CancelledError, never a TimeoutError. */
    @Test
    void testWaitForOuterCancelIsNotTurnedIntoTimeout() {
        Asyncio.run(() -> {
            Task<Void> inner = createTask(() -> {
                sleep(Duration.ofSeconds(10));
                return null;
            });
            Task<Void> caller = createTask(() -> waitFor(inner, Duration.ofSeconds(5)));
            sleep(ms(5));
            caller.cancel("outside");
            Throwable thrown = catchThrowable(() -> await(caller));
            assertThat(thrown).isInstanceOf(CancelledError.class).hasMessage("outside");
            assertThat(inner.isCancelled()).isTrue();
            return null;
        });
    }

    /** wait_for(coro()) awaits the coroutine in the calling task (3.12+), it does not spawn one. */
    @Test
    void testWaitForCoroutineRunsInCallerTask() {
        Asyncio.run(() -> {
            Task<?> me = currentTask();
            int tasksBefore = Asyncio.allTasks().size();
            Object[] seen = new Object[2];
            String r = waitFor(() -> {
                seen[0] = currentTask();
                seen[1] = Asyncio.allTasks().size();
                sleep(ms(1));
                return "inline";
            }, Duration.ofSeconds(5));
            assertThat(r).isEqualTo("inline");
            assertThat(seen[0]).isSameAs(me);
            assertThat(seen[1]).isEqualTo(tasksBefore);
            return null;
        });
    }

    @Test
    void testWaitForPropagatesExceptionUnchanged() {
        Asyncio.run(() -> {
            IOException boom = new IOException("boom");
            Task<String> task = createTask(() -> {
                sleep(ms(2));
                throw boom;
            });
            assertThatThrownBy(() -> waitFor(task, Duration.ofSeconds(5))).isSameAs(boom);
            return null;
        });
    }
}
