/*
 * Conformance tests for Asyncio.shield().
 *
 * Behaviours ported (not code) from CPython's Lib/test/test_asyncio/test_tasks.py: the test_shield*
 * cases of BaseTaskTests (3.12/3.13, including the exception-logging ones), test_gather_shield,
 * test_shield_gather, and test_yield_future_passes_cancel as the unshielded contrast. Method names
 * are the CPython ones, camelCased. "Logged" in CPython means a call of the loop's exception
 * handler; asyncio4j reports a never-retrieved exception when the future is collected or, at the
 * latest, when the loop closes, so these tests look at the handler after the loop is closed.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.shield;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.Future;
import dev.asyncio4j.Runner;
import dev.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShieldTest {

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

    /** Runs {@code main} on a new loop and returns what the loop's exception handler received, up to close. */
    private static List<Map<String, Object>> runRecordingHandler(Coroutine<?> main) {
        List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());
        try (Runner runner = new Runner()) {
            runner.getLoop().setExceptionHandler((loop, context) -> reports.add(context));
            runner.run(main);
        }
        return reports;
    }

    // ------------------------------------------------------------------ test_shield*

    @Test
    void testShieldResult() {
        Asyncio.run(() -> {
            Future<Integer> inner = newFuture();
            Future<Integer> outer = shield(inner);
            inner.setResult(42);
            assertThat(await(outer)).isEqualTo(42);
            return null;
        });
    }

    @Test
    void testShieldException() {
        Asyncio.run(() -> {
            Future<Integer> inner = newFuture();
            Future<Integer> outer = shield(inner);
            runBriefly();
            IllegalStateException exc = new IllegalStateException("expected");
            inner.setException(exc);
            runBriefly();
            assertThat(outer.exception()).isSameAs(exc);
            return null;
        });
    }

    @Test
    void testShieldCancelInner() {
        Asyncio.run(() -> {
            Future<Integer> inner = newFuture();
            Future<Integer> outer = shield(inner);
            runBriefly();
            inner.cancel();
            runBriefly();
            assertThat(outer.isCancelled()).isTrue();
            return null;
        });
    }

    @Test
    void testShieldCancelOuter() {
        Asyncio.run(() -> {
            Future<Integer> inner = newFuture();
            Future<Integer> outer = shield(inner);
            runBriefly();
            assertThat(outer.cancel()).isTrue();
            runBriefly();
            assertThat(outer.isCancelled()).isTrue();
            assertThat(inner.isCancelled()).isFalse();
            assertThat(inner.isDone()).isFalse();
            // The inner finishing later leaves the cancelled outer alone.
            inner.setResult(7);
            runBriefly();
            assertThat(outer.isCancelled()).isTrue();
            assertThat(inner.result()).isEqualTo(7);
            return null;
        });
    }

    @Test
    void testShieldCancelOuterResult() {
        List<Map<String, Object>> reports = runRecordingHandler(() -> {
            Future<Integer> inner = newFuture();
            Future<Integer> outer = shield(inner);
            runBriefly();
            outer.cancel();
            runBriefly();
            inner.setResult(1);
            runBriefly();
            return null;
        });
        assertThat(reports).isEmpty();
    }

    /** The inner's exception is not swallowed when the outer was cancelled: it is reported once. */
    @Test
    void testShieldCancelOuterException() {
        Exception foo = new Exception("foo");
        List<Map<String, Object>> reports = runRecordingHandler(() -> {
            Future<Integer> inner = newFuture();
            Future<Integer> outer = shield(inner);
            runBriefly();
            outer.cancel();
            runBriefly();
            inner.setException(foo);
            runBriefly();
            return null;
        });
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("exception")).isSameAs(foo);
    }

    @Test
    void testShieldDuplicateLogOnce() {
        Exception foo = new Exception("foo");
        List<Map<String, Object>> reports = runRecordingHandler(() -> {
            Future<Integer> inner = newFuture();
            Future<Integer> outer = shield(inner);
            runBriefly();
            outer.cancel();
            runBriefly();
            outer = shield(inner);
            runBriefly();
            outer.cancel();
            runBriefly();
            inner.setException(foo);
            runBriefly();
            return null;
        });
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("exception")).isSameAs(foo);
    }

    @Test
    void testShieldShortcut() {
        Asyncio.run(() -> {
            Future<Integer> fut = newFuture();
            fut.setResult(42);
            Future<Integer> shielded = shield(fut);
            assertThat(shielded).isSameAs(fut);
            assertThat(await(shielded)).isEqualTo(42);
            return null;
        });
    }

    /** Shield under cancel: cancelling the awaiting task does not cancel the shielded work. */
    @Test
    void testShieldEffect() {
        Asyncio.run(() -> {
            int[] proof = {0};
            Future<Void> waiter = newFuture();
            Task<Void> f = createTask(() -> {
                await(shield(createTask(() -> {
                    await(waiter);
                    proof[0] += 1;
                    return null;
                })));
                proof[0] += 100;
                return null;
            });
            runBriefly();
            f.cancel();
            assertThatThrownBy(() -> await(f)).isInstanceOf(CancelledError.class);
            assertThat(waiter.isCancelled()).isFalse();
            waiter.setResult(null);
            runBriefly();
            assertThat(proof[0]).isEqualTo(1);
            return null;
        });
    }

    /** Cancelling shield(gather(...)) leaves the gather and its children running. */
    @Test
    void testShieldGather() {
        Asyncio.run(() -> {
            Future<Integer> child1 = newFuture();
            Future<Integer> child2 = newFuture();
            Future<List<Integer>> parent = gather(child1, child2);
            Future<List<Integer>> outer = shield(parent);
            runBriefly();
            outer.cancel();
            runBriefly();
            assertThat(outer.isCancelled()).isTrue();
            child1.setResult(1);
            child2.setResult(2);
            runBriefly();
            assertThat(parent.result()).containsExactly(1, 2);
            return null;
        });
    }

    /** Cancelling gather(shield(a), shield(b)) cancels the shields, not what they protect. */
    @Test
    void testGatherShield() {
        Asyncio.run(() -> {
            Future<Integer> child1 = newFuture();
            Future<Integer> child2 = newFuture();
            Future<Integer> inner1 = shield(child1);
            Future<Integer> inner2 = shield(child2);
            Future<List<Integer>> parent = gather(inner1, inner2);
            runBriefly();
            parent.cancel();
            // This should cancel inner1 and inner2 but not child1 and child2.
            runBriefly();
            assertThat(parent.exception()).isInstanceOf(CancelledError.class);
            assertThat(inner1.isCancelled()).isTrue();
            assertThat(inner2.isCancelled()).isTrue();
            assertThat(child1.isCancelled()).isFalse();
            assertThat(child2.isCancelled()).isFalse();
            child1.setResult(1);
            child2.setResult(2);
            runBriefly();
            assertThat(child1.result()).isEqualTo(1);
            assertThat(child2.result()).isEqualTo(2);
            return null;
        });
    }

    @Test
    void testShieldCoroutineUseRunningLoop() {
        Asyncio.run(() -> {
            Future<Integer> outer = shield(createTask(() -> 42));
            assertThat(outer.getLoop()).isSameAs(getRunningLoop());
            assertThat(await(outer)).isEqualTo(42);
            return null;
        });
    }

    /** Without a shield, cancelling the outer task cancels the inner coroutine and what it awaits. */
    @Test
    void testYieldFuturePassesCancel() {
        Asyncio.run(() -> {
            int[] proof = {0};
            Future<Void> waiter = newFuture();
            Coroutine<Void> inner = () -> {
                try {
                    await(waiter);
                } catch (CancelledError e) {
                    proof[0] += 1;
                    throw e;
                }
                throw new AssertionError("got past await(waiter) in inner()");
            };
            Task<Void> f = createTask(() -> {
                try {
                    inner.call();
                } catch (CancelledError e) {
                    proof[0] += 100; // expect this path
                    return null;
                }
                proof[0] += 10;
                return null;
            });
            runBriefly();
            f.cancel();
            await(f);
            assertThat(proof[0]).isEqualTo(101);
            assertThat(waiter.isCancelled()).isTrue();
            return null;
        });
    }

    // ------------------------------------------------------------------ asyncio semantics without a 1:1 CPython test

    /** Shield under gather cancel: the shielded child survives the cancellation, the plain one does not. */
    @Test
    void testShieldUnderGatherCancel() {
        Asyncio.run(() -> {
            List<String> events = new ArrayList<>();
            Future<Void> release = newFuture();
            Task<String> protectedTask = createTask(() -> {
                await(release);
                events.add("protected done");
                return "p";
            });
            Task<String> plain = createTask(() -> {
                try {
                    sleep(Duration.ofSeconds(10));
                } catch (CancelledError e) {
                    events.add("plain cancelled");
                    throw e;
                }
                return "x";
            });
            Task<List<String>> outer = createTask(() -> await(gather(shield(protectedTask), plain)));
            sleep(ms(2));
            outer.cancel();
            assertThatThrownBy(() -> await(outer)).isInstanceOf(CancelledError.class);
            assertThat(plain.isCancelled()).isTrue();
            assertThat(protectedTask.isCancelled()).isFalse();
            assertThat(protectedTask.isDone()).isFalse();
            release.setResult(null);
            assertThat(await(protectedTask)).isEqualTo("p");
            assertThat(events).containsExactly("plain cancelled", "protected done");
            return null;
        });
    }

    /** The shield idiom: catch the cancellation, finish the protected work, then re-raise. */
    @Test
    void testShieldLetsCancelledTaskFinishTheWorkThenReraise() {
        Asyncio.run(() -> {
            List<String> events = new ArrayList<>();
            Future<Void> release = newFuture();
            Task<String> commit = createTask(() -> {
                await(release);
                events.add("committed");
                return "tx-1";
            });
            Task<String> caller = createTask(() -> {
                try {
                    return await(shield(commit));
                } catch (CancelledError e) {
                    events.add("caller cancelled: " + e.getMessage());
                    events.add("result " + await(commit));
                    throw e;
                }
            });
            sleep(ms(2));
            caller.cancel("shutdown");
            sleep(ms(2));
            release.setResult(null);
            Throwable thrown = catchThrowable(() -> await(caller));
            assertThat(thrown).isInstanceOf(CancelledError.class).hasMessage("shutdown");
            assertThat(events).containsExactly("caller cancelled: shutdown", "committed", "result tx-1");
            assertThat(commit.isCancelled()).isFalse();
            return null;
        });
    }

    /** A shielded task that fails delivers the very same exception to the awaiting task. */
    @Test
    void testShieldPropagatesInnerFailureUnchanged() {
        Asyncio.run(() -> {
            java.io.IOException boom = new java.io.IOException("boom");
            Task<String> t = createTask(() -> {
                sleep(ms(2));
                throw boom;
            });
            assertThatThrownBy(() -> await(shield(t))).isSameAs(boom);
            return null;
        });
    }
}
