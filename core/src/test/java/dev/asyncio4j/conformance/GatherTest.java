/*
 * Conformance tests for Asyncio.gather().
 *
 * Behaviours ported (not code) from CPython's Lib/test/test_asyncio/test_tasks.py: GatherTestsBase,
 * FutureGatherTests, CoroutineGatherTests, and the gather cases of BaseTaskTests
 * (test_cancel_gather_1, test_cancel_gather_2). Method names are the CPython ones, camelCased;
 * tests without a CPython counterpart check documented asyncio 3.12/3.13 gather semantics.
 * "Coroutine" variants wrap each future in a task that awaits it, as CoroutineGatherTests does.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Runner;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GatherTest {

    // ------------------------------------------------------------------ helpers

    /** Lets pending callbacks and woken tasks run: CPython's test_utils.run_briefly / _run_loop. */
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

    /** The futures themselves, or (coroutines) one task per future that awaits it. */
    private static List<Future<?>> wrap(boolean coroutines, Future<?>... futures) {
        List<Future<?>> out = new ArrayList<>();
        for (Future<?> f : futures) {
            out.add(coroutines ? createTask(() -> await(f)) : f);
        }
        return out;
    }

    /** gather() with return_exceptions left out (null), False or True. */
    private static Future<List<Object>> gatherOf(Boolean returnExceptions, List<Future<?>> children) {
        return returnExceptions == null ? Asyncio.<Object>gather(children) : gather(returnExceptions, children);
    }

    // ------------------------------------------------------------------ GatherTestsBase

    private static void checkSuccess(boolean coroutines, Boolean returnExceptions) {
        Asyncio.run(() -> {
            Future<Integer> a = newFuture();
            Future<Integer> b = newFuture();
            Future<Integer> c = newFuture();
            Future<List<Object>> fut = gatherOf(returnExceptions, wrap(coroutines, a, b, c));
            List<Object> calls = new ArrayList<>();
            fut.addDoneCallback(calls::add);
            b.setResult(1);
            a.setResult(2);
            runBriefly();
            assertThat(calls).isEmpty();
            assertThat(fut.isDone()).isFalse();
            c.setResult(3);
            runBriefly();
            assertThat(calls).containsExactly(fut);
            assertThat(fut.result()).containsExactly(2, 1, 3);
            return null;
        });
    }

    @ParameterizedTest(name = "coroutines={0}")
    @ValueSource(booleans = {false, true})
    void testSuccess(boolean coroutines) {
        checkSuccess(coroutines, null);
        checkSuccess(coroutines, false);
    }

    @ParameterizedTest(name = "coroutines={0}")
    @ValueSource(booleans = {false, true})
    void testResultExceptionSuccess(boolean coroutines) {
        checkSuccess(coroutines, true);
    }

    @ParameterizedTest(name = "coroutines={0}")
    @ValueSource(booleans = {false, true})
    void testOneException(boolean coroutines) {
        Asyncio.run(() -> {
            Future<Integer> a = newFuture();
            Future<Integer> b = newFuture();
            Future<Integer> c = newFuture();
            Future<Integer> d = newFuture();
            Future<Integer> e = newFuture();
            Future<List<Object>> fut = gatherOf(null, wrap(coroutines, a, b, c, d, e));
            List<Object> calls = new ArrayList<>();
            fut.addDoneCallback(calls::add);
            ArithmeticException exc = new ArithmeticException("division by zero");
            a.setResult(1);
            b.setException(exc);
            runBriefly();
            assertThat(fut.isDone()).isTrue();
            assertThat(calls).containsExactly(fut);
            assertThat(fut.exception()).isSameAs(exc);
            // Does nothing
            c.setResult(3);
            d.cancel();
            e.setException(new IllegalStateException());
            e.exception();
            runBriefly();
            assertThat(calls).containsExactly(fut);
            assertThat(fut.isCancelled()).isFalse();
            assertThat(fut.exception()).isSameAs(exc);
            return null;
        });
    }

    @ParameterizedTest(name = "coroutines={0}")
    @ValueSource(booleans = {false, true})
    void testReturnExceptions(boolean coroutines) {
        Asyncio.run(() -> {
            Future<Integer> a = newFuture();
            Future<Integer> b = newFuture();
            Future<Integer> c = newFuture();
            Future<Integer> d = newFuture();
            Future<List<Object>> fut = gatherOf(true, wrap(coroutines, a, b, c, d));
            List<Object> calls = new ArrayList<>();
            fut.addDoneCallback(calls::add);
            ArithmeticException exc = new ArithmeticException();
            IllegalStateException exc2 = new IllegalStateException();
            b.setResult(1);
            c.setException(exc);
            a.setResult(3);
            runBriefly();
            assertThat(fut.isDone()).isFalse();
            d.setException(exc2);
            runBriefly();
            assertThat(fut.isDone()).isTrue();
            assertThat(calls).containsExactly(fut);
            assertThat(fut.result()).containsExactly(3, 1, exc, exc2);
            return null;
        });
    }

    // ------------------------------------------------------------------ FutureGatherTests

    @Test
    void testConstructorEmptySequenceWithoutLoop() {
        assertThatThrownBy(() -> Asyncio.gather()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void testConstructorEmptySequenceUseRunningLoop() {
        Asyncio.run(() -> {
            Future<List<Object>> fut = gather();
            assertThat(fut.getLoop()).isSameAs(getRunningLoop());
            runBriefly();
            assertThat(fut.isDone()).isTrue();
            assertThat(fut.result()).isEmpty();
            assertThat(await(fut)).isEmpty();
            return null;
        });
    }

    @Test
    void testConstructorHeterogenousFutures() {
        try (EventLoop oneLoop = Asyncio.newEventLoop(); EventLoop otherLoop = Asyncio.newEventLoop()) {
            Future<Integer> fut1 = oneLoop.createFuture();
            Future<Integer> fut2 = otherLoop.createFuture();
            assertThatThrownBy(() -> gather(fut1, fut2)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void testConstructorHomogenousFutures() {
        try (EventLoop otherLoop = Asyncio.newEventLoop()) {
            List<Future<Integer>> children = List.of(otherLoop.createFuture(), otherLoop.createFuture(),
                    otherLoop.createFuture());
            Future<List<Integer>> fut = gather(children);
            assertThat(fut.getLoop()).isSameAs(otherLoop);
            assertThat(fut.isDone()).isFalse();
            fut = gather(children);
            assertThat(fut.getLoop()).isSameAs(otherLoop);
            assertThat(fut.isDone()).isFalse();
            // The gathers complete on the children's loop once the children do.
            Future<List<Integer>> last = fut;
            List<Integer> result = otherLoop.runUntilComplete(() -> {
                for (int i = 0; i < children.size(); i++) {
                    children.get(i).setResult(i * 10);
                }
                return await(last);
            });
            assertThat(result).containsExactly(0, 10, 20);
        }
    }

    @Test
    void testOneCancellation() {
        Asyncio.run(() -> {
            Future<Integer> a = newFuture();
            Future<Integer> b = newFuture();
            Future<Integer> c = newFuture();
            Future<Integer> d = newFuture();
            Future<Integer> e = newFuture();
            Future<List<Integer>> fut = gather(a, b, c, d, e);
            List<Object> calls = new ArrayList<>();
            fut.addDoneCallback(calls::add);
            a.setResult(1);
            b.cancel();
            runBriefly();
            assertThat(fut.isDone()).isTrue();
            assertThat(calls).containsExactly(fut);
            assertThat(fut.isCancelled()).isFalse();
            assertThat(fut.exception()).isInstanceOf(CancelledError.class);
            // Does nothing
            c.setResult(3);
            d.cancel();
            e.setException(new IllegalStateException());
            e.exception();
            runBriefly();
            assertThat(calls).hasSize(1);
            return null;
        });
    }

    @Test
    void testResultExceptionOneCancellation() {
        Asyncio.run(() -> {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fs.add(newFuture());
            }
            Future<List<Object>> fut = gather(true, fs);
            List<Object> calls = new ArrayList<>();
            fut.addDoneCallback(calls::add);
            fs.get(0).setResult(1);
            ArithmeticException zde = new ArithmeticException();
            fs.get(1).setException(zde);
            fs.get(2).cancel();
            runBriefly();
            assertThat(fut.isDone()).isFalse();
            fs.get(3).setResult(3);
            fs.get(4).cancel();
            IllegalStateException rte = new IllegalStateException();
            fs.get(5).setException(rte);
            List<Object> res = await(fut);
            assertThat(res.get(2)).isInstanceOf(CancelledError.class);
            assertThat(res.get(4)).isInstanceOf(CancelledError.class);
            assertThat(res).hasSize(6);
            assertThat(List.of(res.get(0), res.get(1), res.get(3), res.get(5))).containsExactly(1, zde, 3, rte);
            runBriefly();
            assertThat(calls).containsExactly(fut);
            return null;
        });
    }

    // ------------------------------------------------------------------ CoroutineGatherTests

    @Test
    void testDuplicateCoroutines() {
        Asyncio.run(() -> {
            int[] runs = {0};
            Task<String> c = createTask(() -> {
                runs[0]++;
                return "abc";
            });
            Future<List<String>> fut = gather(c, c, createTask(() -> "def"), c);
            runBriefly();
            assertThat(fut.result()).containsExactly("abc", "abc", "def", "abc");
            assertThat(runs[0]).isEqualTo(1);
            return null;
        });
    }

    /** Gather cancel propagation: cancelling the task awaiting a gather cancels every child. */
    @Test
    void testCancellationBroadcast() {
        Asyncio.run(() -> {
            int[] proof = {0};
            Future<Void> waiter = newFuture();
            Coroutine<Void> inner = () -> {
                await(waiter);
                proof[0] += 1;
                return null;
            };
            Task<Void> child1 = createTask(inner);
            Task<Void> child2 = createTask(inner);
            AtomicReference<Future<List<Void>>> gatherer = new AtomicReference<>();
            Task<Void> f = createTask(() -> {
                gatherer.set(gather(child1, child2));
                await(gatherer.get());
                proof[0] += 100;
                return null;
            });
            runBriefly();
            assertThat(f.cancel()).isTrue();
            assertThatThrownBy(() -> await(f)).isInstanceOf(CancelledError.class);
            assertThat(f.isCancelled()).isTrue();
            assertThat(gatherer.get().cancel()).isFalse();
            assertThat(waiter.isCancelled()).isTrue();
            assertThat(child1.isCancelled()).isTrue();
            assertThat(child2.isCancelled()).isTrue();
            runBriefly();
            assertThat(proof[0]).isEqualTo(0);
            return null;
        });
    }

    /**
     * The exception of a child that fails after the gather already failed is marked retrieved: the
     * loop reports no "exception was never retrieved" for it.
     */
    @Test
    void testExceptionMarking() {
        List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());
        Throwable[] outcome = {null};
        try (Runner runner = new Runner()) {
            runner.getLoop().setExceptionHandler((loop, context) -> reports.add(context));
            runner.run(() -> {
                Future<Void> a = newFuture();
                Future<Void> b = newFuture();
                Task<Void> f = createTask(() -> {
                    Task<Void> ia = createTask(() -> {
                        await(a);
                        throw new IllegalStateException("should not be ignored");
                    });
                    Task<Void> ib = createTask(() -> {
                        await(b);
                        throw new IllegalStateException("should not be ignored");
                    });
                    await(gather(ia, ib));
                    return null;
                });
                runBriefly();
                a.setResult(null);
                runBriefly();
                b.setResult(null);
                runBriefly();
                outcome[0] = f.exception();
                return null;
            });
        }
        assertThat(outcome[0]).isInstanceOf(IllegalStateException.class).hasMessage("should not be ignored");
        assertThat(reports).isEmpty();
    }

    // ------------------------------------------------------------------ BaseTaskTests gather cases

    /** Python issue #26923: a gathering future refuses cancellation once all children are done. */
    @Test
    void testCancelGather1() {
        Asyncio.run(() -> {
            Future<Integer> fut = newFuture();
            Task<Integer> child = createTask(() -> await(fut));
            Future<List<Integer>> gatherFuture = gather(child);
            runBriefly();
            Boolean[] cancelResult = {null};
            fut.addDoneCallback(done -> cancelResult[0] = gatherFuture.cancel());
            fut.setResult(42);
            List<Integer> result = await(gatherFuture);
            assertThat(cancelResult[0]).isFalse();
            assertThat(gatherFuture.isCancelled()).isFalse();
            assertThat(result).containsExactly(42);
            return null;
        });
    }

    /** gather(return_exceptions=True) still propagates the CancelledError, with its message, to its caller. */
    @Test
    void testCancelGather2() {
        for (String message : new String[] {null, "my message"}) {
            Throwable thrown = catchThrowable(() -> Asyncio.run(() -> {
                Task<Void> qwe = createTask(() -> {
                    for (int i = 0; i < 200; i++) {
                        await(gather(true, createTask(() -> {
                            sleep(ms(5));
                            return null;
                        })));
                    }
                    return null;
                });
                sleep(ms(20));
                qwe.cancel(message);
                await(qwe);
                return null;
            }));
            assertThat(thrown).as("message %s", message).isInstanceOf(CancelledError.class);
            assertThat(thrown.getMessage()).isEqualTo(message);
            assertThat(thrown.getCause()).isNull();
        }
    }

    // ------------------------------------------------------------------ asyncio semantics without a 1:1 CPython test

    @Test
    void testResultsInArgumentOrderNotCompletionOrder() {
        Asyncio.run(() -> {
            List<String> completed = new ArrayList<>();
            Future<Void> goA = newFuture();
            Future<Void> goB = newFuture();
            Future<Void> goC = newFuture();
            Task<String> a = createTask(() -> {
                await(goA);
                completed.add("a");
                return "a";
            });
            Task<String> b = createTask(() -> {
                await(goB);
                completed.add("b");
                return "b";
            });
            Task<String> c = createTask(() -> {
                await(goC);
                completed.add("c");
                return "c";
            });
            Future<List<String>> g = gather(a, b, c);
            runBriefly();
            goB.setResult(null);
            runBriefly();
            goC.setResult(null);
            runBriefly();
            assertThat(g.isDone()).isFalse();
            goA.setResult(null);
            assertThat(await(g)).containsExactly("a", "b", "c");
            assertThat(completed).containsExactly("b", "c", "a");
            return null;
        });
    }

    @Test
    void testFirstExceptionPropagatesSiblingsKeepRunning() {
        Asyncio.run(() -> {
            List<String> events = new ArrayList<>();
            IOException boom = new IOException("boom");
            Task<String> failing = createTask(() -> {
                sleep(ms(5));
                throw boom;
            });
            Future<Void> release = newFuture();
            Task<String> sibling = createTask(() -> {
                await(release);
                events.add("sibling done");
                return "ok";
            });
            Future<List<String>> g = gather(failing, sibling);
            assertThatThrownBy(() -> await(g)).isSameAs(boom);
            events.add("gather failed");
            assertThat(sibling.isDone()).isFalse();
            release.setResult(null);
            assertThat(await(sibling)).isEqualTo("ok");
            assertThat(sibling.isCancelled()).isFalse();
            assertThat(events).containsExactly("gather failed", "sibling done");
            return null;
        });
    }

    /** A cancelled child makes the gather fail with CancelledError (not cancelled); siblings keep running. */
    @Test
    void testChildCancelledGatherRaisesCancelledError() {
        Asyncio.run(() -> {
            Future<Void> release = newFuture();
            Task<String> sibling = createTask(() -> {
                await(release);
                return "sibling";
            });
            Task<String> victim = createTask(() -> {
                sleep(Duration.ofSeconds(10));
                return "never";
            });
            Future<List<String>> g = gather(sibling, victim);
            sleep(Duration.ZERO);
            victim.cancel("stop");
            assertThatThrownBy(() -> await(g)).isInstanceOf(CancelledError.class).hasMessage("stop");
            assertThat(g.isCancelled()).isFalse();
            assertThat(g.exception()).isInstanceOf(CancelledError.class);
            assertThat(sibling.isDone()).isFalse();
            release.setResult(null);
            assertThat(await(sibling)).isEqualTo("sibling");
            assertThat(sibling.isCancelled()).isFalse();
            return null;
        });
    }

    /** Cancelling the gather future itself cancels each child with the message (bpo-32684 for the result). */
    @ParameterizedTest(name = "returnExceptions={0}")
    @ValueSource(booleans = {false, true})
    void testCancelGatherFutureCancelsChildren(boolean returnExceptions) {
        Asyncio.run(() -> {
            List<String> events = new ArrayList<>();
            List<Task<String>> children = new ArrayList<>();
            for (String name : List.of("x", "y")) {
                children.add(createTask(() -> {
                    try {
                        sleep(Duration.ofSeconds(10));
                        return name;
                    } catch (CancelledError e) {
                        events.add(name + " cancelled: " + e.getMessage());
                        throw e;
                    }
                }));
            }
            Future<List<Object>> g = gather(returnExceptions, children);
            sleep(Duration.ZERO);
            assertThat(g.cancel("bye")).isTrue();
            Throwable thrown = catchThrowable(() -> await(g));
            assertThat(thrown).isInstanceOf(CancelledError.class).hasMessage("bye");
            assertThat(events).containsExactly("x cancelled: bye", "y cancelled: bye");
            assertThat(children).allMatch(Task::isCancelled);
            assertThat(g.cancel()).isFalse();
            return null;
        });
    }

    @Test
    void testNestedGatherCancelPropagates() {
        Asyncio.run(() -> {
            List<Task<Void>> leaves = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                leaves.add(createTask(() -> {
                    sleep(Duration.ofSeconds(10));
                    return null;
                }));
            }
            Future<List<Void>> inner = gather(leaves.get(0), leaves.get(1));
            Future<List<Object>> outer = gather(inner, leaves.get(2));
            Task<List<Object>> awaiting = createTask(() -> await(outer));
            sleep(Duration.ZERO);
            awaiting.cancel();
            assertThatThrownBy(() -> await(awaiting)).isInstanceOf(CancelledError.class);
            assertThat(leaves).allMatch(Task::isCancelled);
            assertThat(inner.exception()).isInstanceOf(CancelledError.class);
            return null;
        });
    }

    /** 3.12+: children already done are processed at once, so a gather of done futures is done on return. */
    @Test
    void testGatherOfDoneFuturesIsDoneAtOnce() {
        Asyncio.run(() -> {
            Future<Integer> a = newFuture();
            Future<Integer> b = newFuture();
            a.setResult(1);
            b.setResult(2);
            Future<List<Integer>> g = gather(a, b, a);
            assertThat(g.isDone()).isTrue();
            assertThat(g.result()).containsExactly(1, 2, 1);
            // ... so awaiting it does not suspend: a callback scheduled before does not run in between.
            List<String> events = new ArrayList<>();
            getRunningLoop().callSoon(() -> events.add("callback"));
            assertThat(await(gather(b, a))).containsExactly(2, 1);
            events.add("after await");
            sleep(Duration.ZERO);
            assertThat(events).containsExactly("after await", "callback");

            Future<Integer> failed = newFuture();
            IllegalStateException error = new IllegalStateException("early");
            failed.setException(error);
            Future<List<Integer>> g2 = gather(a, failed);
            assertThat(g2.isDone()).isTrue();
            assertThat(g2.exception()).isSameAs(error);

            Future<List<Object>> g3 = gather(true, a, failed);
            assertThat(g3.isDone()).isTrue();
            assertThat(g3.result()).containsExactly(1, error);

            // The first failure in argument order wins, whatever the futures' identity hashes.
            for (int i = 0; i < 20; i++) {
                Future<Integer> first = newFuture();
                Future<Integer> second = newFuture();
                first.setException(new IllegalStateException("first"));
                second.setException(new IllegalStateException("second"));
                assertThat(gather(first, second).exception()).hasMessage("first");
                assertThat(gather(second, first).exception()).hasMessage("second");
            }
            return null;
        });
    }
}
