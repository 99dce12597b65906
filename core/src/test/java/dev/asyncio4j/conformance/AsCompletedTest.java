/*
 * Conformance tests for Asyncio.asCompleted().
 *
 * Behaviours ported (not code) from CPython's Lib/test/test_asyncio/test_tasks.py, the
 * test_as_completed* cases of BaseTaskTests in their 3.13 form, where iterating as_completed()
 * yields the original futures in completion order ("async for"). asyncio4j's iterator is that
 * async iterator: next() suspends the task until one more future is done. Method names are the
 * CPython ones, camelCased; CPython's virtual-time loop is replaced by short real delays.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.asCompleted;
import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Future;
import dev.asyncio4j.ReturnWhen;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsCompletedTest {

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static Task<String> sleeper(Duration d, String value) {
        return createTask(() -> {
            sleep(d);
            return value;
        });
    }

    private static <T> Future<T> newFuture() {
        return getRunningLoop().createFuture();
    }

    private static void cancelAndDrain(List<? extends Future<?>> fs) {
        fs.forEach(Future::cancel);
        Asyncio.wait(fs, null, ReturnWhen.ALL_COMPLETED);
    }

    @Test
    void testAsCompleted() {
        Asyncio.run(() -> {
            Task<String> a = sleeper(ms(10), "a");
            Task<String> b = sleeper(ms(10), "b");
            Task<String> c = sleeper(ms(40), "c");
            long t0 = System.nanoTime();
            List<String> values = new ArrayList<>();
            for (Task<String> f : asCompleted(List.of(b, c, a), null)) {
                values.add(await(f));
            }
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(39);
            assertThat(values).hasSize(3);
            assertThat(values.subList(0, 2)).containsExactlyInAnyOrder("a", "b");
            assertThat(values.get(2)).isEqualTo("c");
            return null;
        });
    }

    /** Iterating yields the very futures that were passed in. */
    @Test
    void testAsCompletedSameTasksInAsOut() {
        Asyncio.run(() -> {
            List<Task<Integer>> in = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int k = i;
                in.add(createTask(() -> k));
            }
            List<Task<Integer>> out = new ArrayList<>();
            for (Task<Integer> f : asCompleted(in, null)) {
                out.add(f);
            }
            assertThat(out).hasSize(4);
            for (Task<Integer> t : in) {
                assertThat(out).anySatisfy(o -> assertThat(o).isSameAs(t));
            }
            return null;
        });
    }

    @Test
    void testAsCompletedWithTimeout() {
        // On virtual time: a loaded machine cannot make the 10 ms sleeper miss the 40 ms deadline.
        dev.asyncio4j.testing.VirtualTime.run(() -> {
            Task<String> a = sleeper(ms(10), "a");
            Task<String> b = sleeper(Duration.ofSeconds(10), "b");
            sleep(Duration.ZERO); // the sleepers' timers are registered before the deadline
            long t0 = Asyncio.getRunningLoop().time();
            List<Object> values = new ArrayList<>();
            Iterator<Task<String>> it = asCompleted(List.of(a, b), ms(40)).iterator();
            while (it.hasNext()) {
                try {
                    values.add("1:" + await(it.next()));
                } catch (TimeoutError e) {
                    values.add(e);
                }
            }
            assertThat(Asyncio.getRunningLoop().time() - t0).isEqualTo(ms(40).toNanos());
            assertThat(values).hasSize(2);
            assertThat(values.get(0)).isEqualTo("1:a");
            assertThat(values.get(1)).isInstanceOf(TimeoutError.class);
            assertThat(b.isDone()).as("as_completed must not cancel on timeout").isFalse();
            cancelAndDrain(List.of(a, b));
            return null;
        });
    }

    /** A timeout that never fires leaves nothing behind: iteration simply ends. */
    @Test
    void testAsCompletedWithUnusedTimeout() {
        Asyncio.run(() -> {
            Task<String> a = sleeper(ms(5), "a");
            sleep(Duration.ZERO);
            Iterable<Task<String>> it = asCompleted(List.of(a), ms(30));
            List<String> values = new ArrayList<>();
            for (Task<String> f : it) {
                values.add(await(f));
            }
            assertThat(values).containsExactly("a");
            sleep(ms(50)); // past the unused deadline
            assertThat(it.iterator().hasNext()).isFalse();
            return null;
        });
    }

    /** 3.13: the iterator can be resumed by iterating it again after a break. */
    @Test
    void testAsCompletedResumeIterator() {
        Asyncio.run(() -> {
            List<Task<Integer>> awaitables = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int k = i;
                awaitables.add(createTask(() -> k));
            }
            Iterable<Task<Integer>> iterator = asCompleted(awaitables, null);
            List<Integer> collected = new ArrayList<>();
            int iterations = 0;
            for (Task<Integer> f : iterator) {
                collected.add(await(f));
                iterations++;
                if (iterations == 2) {
                    break;
                }
            }
            assertThat(collected).hasSize(2);
            // Resume the same iterator:
            for (Task<Integer> f : iterator) {
                collected.add(await(f));
            }
            assertThat(collected).containsExactlyInAnyOrder(0, 1, 2, 3);
            return null;
        });
    }

    @Test
    void testAsCompletedDuplicateCoroutines() {
        Asyncio.run(() -> {
            Task<String> c = createTask(() -> "ham");
            List<String> result = new ArrayList<>();
            for (Task<String> f : asCompleted(List.of(c, c, createTask(() -> "spam")), null)) {
                result.add(await(f));
            }
            assertThat(new HashSet<>(result)).containsExactlyInAnyOrder("ham", "spam");
            assertThat(result).hasSize(2);
            return null;
        });
    }

    /** test_as_completed_coroutine_use_running_loop: one future, its result. */
    @Test
    void testAsCompletedCoroutineUseRunningLoop() {
        Asyncio.run(() -> {
            List<Task<Integer>> futs = new ArrayList<>();
            for (Task<Integer> f : asCompleted(List.of(createTask(() -> 42)), null)) {
                futs.add(f);
            }
            assertThat(futs).hasSize(1);
            assertThat(await(futs.get(0))).isEqualTo(42);
            assertThat(futs.get(0).getLoop()).isSameAs(getRunningLoop());
            return null;
        });
    }

    /** test_as_completed_invalid_args: Java's types rule out a bare future; an empty input ends at once. */
    @Test
    void testAsCompletedInvalidArgs() {
        Asyncio.run(() -> {
            Iterator<Future<?>> it = asCompleted(List.<Future<?>>of(), null).iterator();
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
            return null;
        });
        assertThatThrownBy(() -> asCompleted(List.<Future<?>>of(), null))
                .as("no futures and no running loop").isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------ asyncio semantics without a 1:1 CPython test

    @Test
    void testAsCompletedCompletionOrder() {
        Asyncio.run(() -> {
            Future<String> a = newFuture();
            Future<String> b = newFuture();
            Future<String> c = newFuture();
            long t = getRunningLoop().time(); // one base: the order does not depend on scheduling delays
            getRunningLoop().callAt(t + ms(15).toNanos(), () -> a.setResult("a"));
            getRunningLoop().callAt(t + ms(5).toNanos(), () -> b.setResult("b"));
            getRunningLoop().callAt(t + ms(10).toNanos(), () -> c.setResult("c"));
            List<Future<String>> order = new ArrayList<>();
            for (Future<String> f : asCompleted(List.of(a, b, c), null)) {
                assertThat(f.isDone()).isTrue();
                order.add(f);
            }
            assertThat(order).containsExactly(b, c, a);
            return null;
        });
    }

    /** Failed and cancelled futures are yielded like the others; next() itself does not throw for them. */
    @Test
    void testAsCompletedYieldsFailedAndCancelledFutures() {
        Asyncio.run(() -> {
            IllegalStateException boom = new IllegalStateException("boom");
            Task<String> failing = createTask(() -> {
                sleep(ms(5));
                throw boom;
            });
            Task<String> cancelled = sleeper(Duration.ofSeconds(10), "never");
            Task<String> ok = sleeper(ms(15), "ok");
            getRunningLoop().callSoon(cancelled::cancel);
            List<String> seen = new ArrayList<>();
            for (Task<String> f : asCompleted(List.of(failing, cancelled, ok), null)) {
                if (f.isCancelled()) {
                    seen.add("cancelled");
                } else if (f.exception() != null) {
                    assertThatThrownBy(f::result).isSameAs(boom);
                    seen.add("failed");
                } else {
                    seen.add(f.result());
                }
            }
            assertThat(seen).containsExactly("cancelled", "failed", "ok");
            return null;
        });
    }

    /** Cancelling the iterating task interrupts next() only; the futures are not cancelled. */
    @Test
    void testAsCompletedNextIsCancellable() {
        Asyncio.run(() -> {
            Future<Void> release = newFuture();
            Task<String> slow = createTask(() -> {
                await(release);
                return "slow";
            });
            AtomicReference<Iterable<Task<String>>> iterable = new AtomicReference<>();
            Task<Void> consumer = createTask(() -> {
                iterable.set(asCompleted(List.of(slow), null));
                for (Task<String> f : iterable.get()) {
                    f.result();
                }
                return null;
            });
            sleep(ms(2));
            consumer.cancel();
            Throwable thrown = catchThrowable(() -> await(consumer));
            assertThat(thrown).isInstanceOf(CancelledError.class);
            assertThat(slow.isCancelled()).isFalse();
            release.setResult(null);
            assertThat(await(slow)).isEqualTo("slow");
            return null;
        });
    }

    /** After a timeout, each not-done future yields a TimeoutError, and the iteration ends. */
    @Test
    void testAsCompletedTimeoutForEachPending() {
        Asyncio.run(() -> {
            List<Task<String>> slow = List.of(sleeper(Duration.ofSeconds(10), "x"), sleeper(Duration.ofSeconds(10), "y"));
            Future<String> fast = newFuture();
            getRunningLoop().callSoon(() -> fast.setResult("fast"));
            List<Future<String>> all = new ArrayList<>(slow);
            all.add(fast);
            Iterator<Future<String>> it = asCompleted(all, ms(20)).iterator();
            List<String> outcome = new ArrayList<>();
            int steps = 0;
            while (it.hasNext()) {
                steps++;
                try {
                    outcome.add(it.next().result());
                } catch (TimeoutError e) {
                    outcome.add("timeout");
                }
            }
            assertThat(steps).isEqualTo(3);
            assertThat(outcome).containsExactly("fast", "timeout", "timeout");
            Set<Boolean> doneFlags = new HashSet<>();
            slow.forEach(t -> doneFlags.add(t.isDone()));
            assertThat(doneFlags).containsExactly(false);
            cancelAndDrain(all);
            return null;
        });
    }
}
