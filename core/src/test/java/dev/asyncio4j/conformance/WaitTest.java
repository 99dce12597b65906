/*
 * Conformance tests for Asyncio.wait().
 *
 * Behaviours ported (not code) from CPython's Lib/test/test_asyncio/test_tasks.py: the test_wait*
 * cases of BaseTaskTests, test_yield_wait_does_not_shield_cancel, and the cancel-message cases that
 * observe a cancelled task through wait() (test_cancel_with_message_then_future_result/_exception,
 * test_cancel_with_message_before_starting_task). Method names are the CPython ones, camelCased.
 * CPython drives these with a virtual-time test loop; here real time is used with short delays and
 * generous tolerances.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.DoneAndPending;
import dev.asyncio4j.Future;
import dev.asyncio4j.ReturnWhen;
import dev.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WaitTest {

    // ------------------------------------------------------------------ helpers

    private static void runBriefly() {
        for (int i = 0; i < 10; i++) {
            sleep(Duration.ZERO);
        }
    }

    private static <T> Future<T> newFuture() {
        return getRunningLoop().createFuture();
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static Task<Void> sleeper(Duration d) {
        return createTask(() -> {
            sleep(d);
            return null;
        });
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Cancels leftovers and waits for them, as the CPython tests do to "close the generator". */
    private static void cancelAndDrain(List<? extends Future<?>> fs) {
        fs.forEach(Future::cancel);
        Asyncio.wait(fs, null, ReturnWhen.ALL_COMPLETED);
    }

    // ------------------------------------------------------------------ test_wait*

    @Test
    void testWait() {
        Asyncio.run(() -> {
            Task<Void> a = sleeper(ms(10));
            Task<Void> b = sleeper(ms(15));
            long t0 = System.nanoTime();
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), null, ReturnWhen.ALL_COMPLETED);
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(14);
            assertThat(r.done()).containsExactlyInAnyOrder(a, b);
            assertThat(r.pending()).isEmpty();
            // Doing it again exercises the already-done path.
            r = Asyncio.wait(List.of(b, a), null, ReturnWhen.ALL_COMPLETED);
            assertThat(r.done()).containsExactlyInAnyOrder(a, b);
            assertThat(r.pending()).isEmpty();
            return null;
        });
    }

    @Test
    void testWaitDuplicateCoroutines() {
        Asyncio.run(() -> {
            Task<String> c = createTask(() -> "test");
            DoneAndPending<Task<String>> r = Asyncio.wait(List.of(c, c, createTask(() -> "spam")), null,
                    ReturnWhen.ALL_COMPLETED);
            assertThat(r.pending()).isEmpty();
            assertThat(r.done()).hasSize(2);
            assertThat(r.done().stream().map(Task::result)).containsExactlyInAnyOrder("test", "spam");
            return null;
        });
    }

    /** ValueError for an empty set; an invalid return_when (here: null) is rejected too. */
    @Test
    void testWaitErrors() {
        Asyncio.run(() -> {
            assertThatThrownBy(() -> Asyncio.wait(List.<Future<?>>of(), null, ReturnWhen.ALL_COMPLETED))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Set of Tasks/Futures is empty.");
            Task<Void> s = sleeper(Duration.ofSeconds(10));
            assertThatThrownBy(() -> Asyncio.wait(List.of(s), null, null)).isInstanceOf(NullPointerException.class);
            assertThat(s.isDone()).isFalse();
            cancelAndDrain(List.of(s));
            return null;
        });
    }

    @Test
    void testWaitFirstCompleted() {
        Asyncio.run(() -> {
            Task<Void> a = sleeper(Duration.ofSeconds(10));
            Task<Void> b = sleeper(ms(10));
            long t0 = System.nanoTime();
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_COMPLETED);
            long elapsed = millisSince(t0);
            assertThat(r.done()).containsExactly(b);
            assertThat(r.pending()).containsExactly(a);
            assertThat(a.isDone()).isFalse();
            assertThat(b.isDone()).isTrue();
            assertThat(b.result()).isNull();
            assertThat(elapsed).isBetween(9L, 5_000L);
            cancelAndDrain(List.of(a));
            return null;
        });
    }

    /** Futures that finished in the same iteration as the first one are reported done too. */
    @Test
    void testWaitReallyDone() {
        Asyncio.run(() -> {
            Task<Void> a = createTask(() -> {
                sleep(Duration.ZERO);
                return null;
            });
            Task<Void> b = createTask(() -> {
                sleep(Duration.ZERO);
                sleep(Duration.ZERO);
                return null;
            });
            Task<DoneAndPending<Task<Void>>> task = createTask(
                    () -> Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_COMPLETED));
            DoneAndPending<Task<Void>> r = await(task);
            assertThat(r.done()).containsExactlyInAnyOrder(a, b);
            assertThat(r.pending()).isEmpty();
            assertThat(a.result()).isNull();
            assertThat(b.result()).isNull();
            return null;
        });
    }

    @Test
    void testWaitFirstException() {
        Asyncio.run(() -> {
            Task<Void> a = sleeper(Duration.ofSeconds(10));
            Task<Void> b = createTask(() -> {
                throw new ArithmeticException("err");
            });
            long t0 = System.nanoTime();
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_EXCEPTION);
            assertThat(millisSince(t0)).isLessThan(5_000);
            assertThat(r.done()).containsExactly(b);
            assertThat(r.pending()).containsExactly(a);
            assertThat(b.exception()).isInstanceOf(ArithmeticException.class).hasMessage("err");
            cancelAndDrain(List.of(a));
            return null;
        });
    }

    @Test
    void testWaitFirstExceptionInWait() {
        Asyncio.run(() -> {
            Task<Void> a = sleeper(Duration.ofSeconds(10));
            Task<Void> b = createTask(() -> {
                sleep(ms(10));
                throw new ArithmeticException("err");
            });
            long t0 = System.nanoTime();
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_EXCEPTION);
            assertThat(millisSince(t0)).isBetween(9L, 5_000L);
            assertThat(r.done()).containsExactly(b);
            assertThat(r.pending()).containsExactly(a);
            cancelAndDrain(List.of(a));
            return null;
        });
    }

    /** FIRST_EXCEPTION with no failure (a cancellation is not one) waits for everything. */
    @Test
    void testWaitFirstExceptionWithoutFailureWaitsForAll() {
        Asyncio.run(() -> {
            Task<Void> a = sleeper(ms(10));
            Task<Void> b = sleeper(ms(25));
            Task<Void> c = sleeper(Duration.ofSeconds(10));
            getRunningLoop().callSoon(c::cancel);
            long t0 = System.nanoTime();
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(a, b, c), null, ReturnWhen.FIRST_EXCEPTION);
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(24);
            assertThat(r.pending()).isEmpty();
            assertThat(r.done()).containsExactlyInAnyOrder(a, b, c);
            assertThat(c.isCancelled()).isTrue();
            return null;
        });
    }

    @Test
    void testWaitWithException() {
        Asyncio.run(() -> {
            Task<Void> a = sleeper(ms(10));
            Task<Void> b = createTask(() -> {
                sleep(ms(15));
                throw new ArithmeticException("really");
            });
            for (int round = 0; round < 2; round++) {
                DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), null, ReturnWhen.ALL_COMPLETED);
                assertThat(r.done()).hasSize(2);
                assertThat(r.pending()).isEmpty();
                assertThat(r.done().stream().filter(f -> f.exception() != null)).containsExactly(b);
            }
            return null;
        });
    }

    /** The timeout returns (done, pending) and cancels nothing. */
    @Test
    void testWaitWithTimeout() {
        Asyncio.run(() -> {
            Task<Void> a = sleeper(ms(10));
            Task<Void> b = sleeper(Duration.ofSeconds(10));
            sleep(Duration.ZERO); // the sleepers' timers are registered before wait()'s own
            long t0 = System.nanoTime();
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), ms(40), ReturnWhen.ALL_COMPLETED);
            assertThat(millisSince(t0)).isBetween(39L, 5_000L);
            assertThat(r.done()).containsExactly(a);
            assertThat(r.pending()).containsExactly(b);
            assertThat(b.isDone()).isFalse();
            sleep(ms(5));
            assertThat(b.isDone()).as("wait() must not cancel on timeout").isFalse();
            cancelAndDrain(List.of(a, b));
            return null;
        });
    }

    /** A future finishing at the same instant as the timeout counts as done. */
    @Test
    void testWaitConcurrentComplete() {
        Asyncio.run(() -> {
            Task<Void> a = sleeper(ms(20));
            Task<Void> b = sleeper(Duration.ofSeconds(10));
            sleep(Duration.ZERO); // both timers are registered before wait()'s own
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), ms(20), ReturnWhen.ALL_COMPLETED);
            assertThat(r.done()).containsExactly(a);
            assertThat(r.pending()).containsExactly(b);
            cancelAndDrain(List.of(a, b));
            return null;
        });
    }

    @Test
    void testWaitFirstCompletedCountsCancellation() {
        Asyncio.run(() -> {
            Future<String> f = newFuture();
            Task<Void> s = sleeper(Duration.ofSeconds(10));
            getRunningLoop().callSoon(f::cancel);
            DoneAndPending<Future<?>> r = Asyncio.wait(List.of(s, f), null, ReturnWhen.FIRST_COMPLETED);
            assertThat(r.done()).containsExactly(f);
            assertThat(r.pending()).containsExactly(s);
            assertThat(f.isCancelled()).isTrue();
            cancelAndDrain(List.of(s));
            return null;
        });
    }

    /** asyncio4j documents done() in completion order; CPython returns an unordered set. */
    @Test
    void testWaitDoneInCompletionOrder() {
        Asyncio.run(() -> {
            Future<String> a = newFuture();
            Future<String> b = newFuture();
            Future<String> c = newFuture();
            long t = getRunningLoop().time(); // one base: the order does not depend on scheduling delays
            getRunningLoop().callAt(t + ms(15).toNanos(), () -> a.setResult("a"));
            getRunningLoop().callAt(t + ms(5).toNanos(), () -> b.setResult("b"));
            getRunningLoop().callAt(t + ms(10).toNanos(), () -> c.setResult("c"));
            DoneAndPending<Future<String>> r = Asyncio.wait(List.of(a, b, c), null, ReturnWhen.ALL_COMPLETED);
            assertThat(new ArrayList<>(r.done())).containsExactly(b, c, a);
            return null;
        });
    }

    @Test
    void testWaitOutsideTaskIsRejected() {
        Asyncio.run(() -> {
            Task<Void> s = sleeper(Duration.ofSeconds(10));
            AtomicReference<Throwable> fromCallback = new AtomicReference<>();
            getRunningLoop().callSoon(() -> fromCallback.set(
                    catchThrowable(() -> Asyncio.wait(List.of(s), null, ReturnWhen.ALL_COMPLETED))));
            runBriefly();
            assertThat(fromCallback.get()).isInstanceOf(IllegalStateException.class);
            cancelAndDrain(List.of(s));
            return null;
        });
    }

    // ------------------------------------------------------------------ cancellation through wait()

    /** Cancelling the task inside wait() makes wait() raise; the waited-for task keeps running. */
    @Test
    void testYieldWaitDoesNotShieldCancel() {
        Asyncio.run(() -> {
            int[] proof = {0};
            Future<Void> waiter = newFuture();
            AtomicReference<Task<Void>> innerRef = new AtomicReference<>();
            Task<Void> f = createTask(() -> {
                Task<Void> inner = createTask(() -> {
                    await(waiter);
                    proof[0] += 1;
                    return null;
                });
                innerRef.set(inner);
                Asyncio.wait(List.of(inner), null, ReturnWhen.ALL_COMPLETED);
                proof[0] += 100;
                return null;
            });
            runBriefly();
            f.cancel();
            assertThatThrownBy(() -> await(f)).isInstanceOf(CancelledError.class);
            assertThat(innerRef.get().isDone()).isFalse();
            waiter.setResult(null);
            runBriefly();
            assertThat(proof[0]).isEqualTo(1);
            assertThat(innerRef.get().isCancelled()).isFalse();
            return null;
        });
    }

    private static CancelledError cancelledThroughWait(String message, boolean startFirst, boolean viaResult) {
        Throwable thrown = catchThrowable(() -> Asyncio.run(() -> {
            Task<Void> coro = createTask(() -> {
                Task<Void> task = sleeper(Duration.ofSeconds(10));
                if (startFirst) {
                    sleep(Duration.ZERO);
                }
                task.cancel(message);
                DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(task), null, ReturnWhen.ALL_COMPLETED);
                assertThat(r.done()).containsExactly(task);
                if (viaResult) {
                    task.result();
                } else {
                    task.exception();
                }
                return null;
            });
            return await(coro);
        }));
        assertThat(thrown).isInstanceOf(CancelledError.class);
        return (CancelledError) thrown;
    }

    @Test
    void testCancelWithMessageThenFutureResult() {
        for (String message : new String[] {null, "my message"}) {
            CancelledError e = cancelledThroughWait(message, true, true);
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.getCause()).isNull();
        }
    }

    @Test
    void testCancelWithMessageThenFutureException() {
        for (String message : new String[] {null, "my message"}) {
            CancelledError e = cancelledThroughWait(message, true, false);
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.getCause()).isNull();
        }
    }

    @Test
    void testCancelWithMessageBeforeStartingTask() {
        CancelledError e = cancelledThroughWait("my message", false, false);
        assertThat(e.getMessage()).isEqualTo("my message");
        assertThat(e.getCause()).isNull();
    }
}
