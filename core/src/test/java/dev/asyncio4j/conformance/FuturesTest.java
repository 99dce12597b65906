/*
 * Conformance tests for dev.asyncio4j.Future, ported from CPython's
 * Lib/test/test_asyncio/test_futures.py (3.12/3.13): BaseFutureTests and BaseFutureDoneCallbackTests.
 *
 * The *behaviours* those tests check were ported and rewritten in Java; no CPython code was copied.
 * As in CPython, each group runs twice: against the loop's own futures (PyFuture/CFuture) and against
 * a user subclass of Future (CSubFuture). Method names keep CPython's names, camelCased; tests with no
 * CPython counterpart say so in their comment.
 *
 * Not ported (Python-only mechanics): generic aliases, isfuture/duck typing, positional constructor
 * arguments, uninitialised C objects, StopIteration rules, exception classes instead of instances,
 * repr formats and source tracebacks, __iter__/__await__/throw protocols, pickling, refcycles and
 * __del__ timing, the _cancel_message setter, _log_traceback, and the C-level list-mutation /
 * use-after-free tests driven by evil __eq__ or call_soon overrides.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.InvalidStateError;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FuturesTest {

    /** A user subclass of Future, as CPython's CSubFuture. */
    static final class MyFuture<T> extends Future<T> {
        MyFuture(EventLoop loop) {
            super(loop);
        }
    }

    /** Runs one loop iteration: every callback ready now (test_utils.run_briefly). */
    static void runBriefly(EventLoop loop) {
        loop.callSoon(loop::stop);
        loop.runForever();
    }

    // ==================================================================== BaseFutureTests

    abstract static class BaseFutureTests {
        EventLoop loop;
        final List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());

        abstract <T> Future<T> newFuture(EventLoop loop);

        @BeforeEach
        void setUp() {
            loop = Asyncio.newEventLoop();
            loop.setExceptionHandler((l, context) -> reports.add(context));
        }

        @AfterEach
        void tearDown() {
            loop.close();
        }

        @Test
        void testInitialState() {
            Future<Object> f = newFuture(loop);
            assertThat(f.isCancelled()).isFalse();
            assertThat(f.isDone()).isFalse();
            assertThat(f.cancel()).isTrue();
            assertThat(f.isCancelled()).isTrue();
            assertThat(f.isDone()).isTrue();
        }

        @Test
        void testConstructorWithoutLoop() {
            // Python: Future() outside a running loop -> RuntimeError('no current event loop').
            assertThatThrownBy(() -> newFuture(Asyncio.getRunningLoop()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("running event loop");
            assertThatThrownBy(() -> newFuture(null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        void testConstructorUseRunningLoop() {
            Future<Object> f = loop.runUntilComplete(() -> newFuture(Asyncio.getRunningLoop()));
            assertThat(f.getLoop()).isSameAs(loop);
            assertThat(f.isDone()).isFalse();
            f.cancel();
        }

        @Test
        void testFutureCancelMessageGetter() {
            Future<Object> f = newFuture(loop);
            f.cancel("my message");
            assertThatThrownBy(() -> loop.runUntilComplete(f))
                    .isInstanceOf(CancelledError.class)
                    .hasMessage("my message");
            assertThatThrownBy(f::result).isInstanceOf(CancelledError.class).hasMessage("my message");
            assertThatThrownBy(f::exception).isInstanceOf(CancelledError.class).hasMessage("my message");
        }

        @Test
        void testFutureCancelMessagePropagatesToAwaitingTask() {
            // No direct CPython counterpart: the message given to Future.cancel(msg) reaches the task
            // awaiting it, and the task ends cancelled with that message.
            Future<Object> f = newFuture(loop);
            List<String> seen = new ArrayList<>();
            Task<Object> t = loop.createTask(() -> {
                try {
                    return await(f);
                } catch (CancelledError e) {
                    seen.add("inner:" + e.getMessage());
                    throw e;
                }
            });
            runBriefly(loop);
            assertThat(f.cancel("stop it")).isTrue();
            assertThatThrownBy(() -> loop.runUntilComplete(t))
                    .isInstanceOf(CancelledError.class)
                    .hasMessage("stop it");
            assertThat(seen).containsExactly("inner:stop it");
            assertThat(t.isCancelled()).isTrue();
        }

        @Test
        void testCancel() {
            Future<Object> f = newFuture(loop);
            assertThat(f.cancel()).isTrue();
            assertThat(f.isCancelled()).isTrue();
            assertThat(f.isDone()).isTrue();
            assertThatThrownBy(f::result).isInstanceOf(CancelledError.class).hasMessage(null);
            assertThatThrownBy(f::exception).isInstanceOf(CancelledError.class);
            assertThatThrownBy(() -> f.setResult(null)).isInstanceOf(InvalidStateError.class);
            // The state is checked before the argument, as in asyncio's set_exception(None).
            assertThatThrownBy(() -> f.setException(null)).isInstanceOf(InvalidStateError.class);
            assertThatThrownBy(() -> f.setException(new RuntimeException())).isInstanceOf(InvalidStateError.class);
            assertThat(f.cancel()).isFalse();
            assertThat(f.cancel("again")).isFalse();
            assertThat(f.isCancelled()).isTrue();
        }

        @Test
        void testResult() {
            Future<Integer> f = newFuture(loop);
            assertThatThrownBy(f::result).isInstanceOf(InvalidStateError.class);

            f.setResult(42);
            assertThat(f.isCancelled()).isFalse();
            assertThat(f.isDone()).isTrue();
            assertThat(f.result()).isEqualTo(42);
            assertThat(f.exception()).isNull();
            assertThatThrownBy(() -> f.setResult(null)).isInstanceOf(InvalidStateError.class);
            assertThatThrownBy(() -> f.setException(null)).isInstanceOf(InvalidStateError.class);
            assertThatThrownBy(() -> f.setException(new RuntimeException())).isInstanceOf(InvalidStateError.class);
            assertThat(f.cancel()).isFalse();
            assertThat(f.isCancelled()).isFalse();
            assertThat(f.result()).isEqualTo(42);
        }

        @Test
        void testResultNull() {
            // No CPython counterpart (set_result(None) is ordinary there): null is a valid result.
            Future<Object> f = newFuture(loop);
            f.setResult(null);
            assertThat(f.isDone()).isTrue();
            assertThat(f.result()).isNull();
            assertThat(f.exception()).isNull();
            assertThatThrownBy(() -> f.setResult(null)).isInstanceOf(InvalidStateError.class);
        }

        @Test
        void testException() {
            RuntimeException exc = new RuntimeException();
            Future<Object> f = newFuture(loop);
            assertThatThrownBy(f::exception).isInstanceOf(InvalidStateError.class);

            f.setException(exc);
            assertThat(f.isCancelled()).isFalse();
            assertThat(f.isDone()).isTrue();
            assertThatThrownBy(f::result).isSameAs(exc);
            assertThat(f.exception()).isSameAs(exc);
            assertThatThrownBy(() -> f.setResult(null)).isInstanceOf(InvalidStateError.class);
            assertThatThrownBy(() -> f.setException(null)).isInstanceOf(InvalidStateError.class);
            assertThat(f.cancel()).isFalse();
            assertThat(f.isCancelled()).isFalse();
        }

        @Test
        void testExceptionCheckedRethrownUnchanged() {
            // Java analogue of "exceptions are re-raised as they are": a checked exception comes
            // out of result() and await() as the same instance, not wrapped.
            IOException exc = new IOException("disk on fire");
            Future<Object> f = newFuture(loop);
            f.setException(exc);
            assertThatThrownBy(f::result).isSameAs(exc);
            assertThatThrownBy(() -> loop.runUntilComplete(() -> await(f))).isSameAs(exc);
            assertThat(exc.getSuppressed()).isEmpty();
            assertThat(exc.getCause()).isNull();
        }

        @Test
        void testSetExceptionNullOnPendingFuture() {
            // No CPython counterpart (there: TypeError): a null exception is refused, the future stays pending.
            Future<Object> f = newFuture(loop);
            assertThatThrownBy(() -> f.setException(null)).isInstanceOf(NullPointerException.class);
            assertThat(f.isDone()).isFalse();
        }

        @Test
        void testYieldFromTwice() {
            Future<Integer> f = newFuture(loop);
            List<String> log = new ArrayList<>();
            Task<Void> t = loop.createTask(() -> {
                log.add("A");
                int x = await(f);
                log.add("B" + x);
                // A second await of a done future returns at once: nothing scheduled runs before it.
                Asyncio.getRunningLoop().callSoon(() -> log.add("soon"));
                int y = await(f);
                log.add("C" + y);
                return null;
            });
            runBriefly(loop);
            assertThat(log).containsExactly("A");
            f.setResult(42);
            loop.runUntilComplete(t);
            assertThat(log).containsExactly("A", "B42", "C42", "soon");
        }

        // ---- "exception was never retrieved" (test_tb_logger_*, check_future_exception_never_retrieved)

        private List<Map<String, Object>> neverRetrievedReports() {
            synchronized (reports) {
                return reports.stream()
                        .filter(c -> String.valueOf(c.get("message")).contains("exception was never retrieved"))
                        .toList();
            }
        }

        @Test
        void testTbLoggerAbandoned() {
            Future<Object> fut = newFuture(loop);
            assertThat(fut.isDone()).isFalse();
            loop.close();
            assertThat(reports).isEmpty();
        }

        @Test
        void testTbLoggerNotCalledAfterCancel() {
            Future<Object> fut = newFuture(loop);
            fut.setException(new Exception());
            assertThat(fut.cancel()).isFalse();
            loop.close();
            assertThat(reports).isEmpty();
        }

        @Test
        void testTbLoggerResultUnretrieved() {
            Future<Object> fut = newFuture(loop);
            fut.setResult(42);
            loop.close();
            assertThat(reports).isEmpty();
        }

        @Test
        void testTbLoggerResultRetrieved() {
            Future<Object> fut = newFuture(loop);
            fut.setResult(42);
            assertThat(fut.result()).isEqualTo(42);
            loop.close();
            assertThat(reports).isEmpty();
        }

        @Test
        void testTbLoggerExceptionUnretrieved() {
            RuntimeException boom = new RuntimeException("boom");
            Future<Object> fut = newFuture(loop);
            fut.setException(boom);
            runBriefly(loop);
            loop.close();
            assertThat(reports).hasSize(1);
            Map<String, Object> context = reports.get(0);
            assertThat(context.get("message")).isEqualTo("Future exception was never retrieved");
            assertThat(context.get("exception")).isSameAs(boom);
            assertThat(context.get("future")).isSameAs(fut);
        }

        @Test
        void testTbLoggerExceptionRetrieved() {
            Future<Object> fut = newFuture(loop);
            fut.setException(new RuntimeException("boom"));
            assertThat(fut.exception()).hasMessage("boom");
            loop.close();
            assertThat(reports).isEmpty();
        }

        @Test
        void testTbLoggerExceptionResultRetrieved() {
            Future<Object> fut = newFuture(loop);
            fut.setException(new RuntimeException("boom"));
            assertThatThrownBy(fut::result).isInstanceOf(RuntimeException.class).hasMessage("boom");
            loop.close();
            assertThat(reports).isEmpty();
        }

        @Test
        void testTbLoggerExceptionAwaitRetrieved() {
            // No CPython counterpart: awaiting the future retrieves its exception too.
            Future<Object> fut = newFuture(loop);
            fut.setException(new RuntimeException("boom"));
            assertThatThrownBy(() -> loop.runUntilComplete(() -> await(fut))).hasMessage("boom");
            loop.close();
            assertThat(neverRetrievedReports()).isEmpty();
        }

        private void failAndForget(Throwable error) {
            Future<Object> future = newFuture(loop);
            future.setException(error);
        }

        private void checkFutureExceptionNeverRetrieved(boolean debug) throws InterruptedException {
            loop.setDebug(debug);
            OutOfMemoryError exc = new OutOfMemoryError("MemoryError");
            failAndForget(exc);
            // The report comes when the garbage collector has noticed the lost future, i.e. without
            // closing the loop; retry a little since reference processing is asynchronous.
            for (int i = 0; i < 200 && neverRetrievedReports().isEmpty(); i++) {
                System.gc();
                Thread.sleep(2);
                runBriefly(loop);
            }
            List<Map<String, Object>> found = neverRetrievedReports();
            assertThat(found).hasSize(1);
            assertThat(found.get(0).get("message")).isEqualTo("Future exception was never retrieved");
            assertThat(found.get(0).get("exception")).isSameAs(exc);
            // Reported once: closing the loop does not report it again.
            loop.close();
            assertThat(neverRetrievedReports()).hasSize(1);
        }

        @Test
        void testFutureExceptionNeverRetrieved() throws InterruptedException {
            checkFutureExceptionNeverRetrieved(false);
        }

        @Test
        void testFutureExceptionNeverRetrievedDebug() throws InterruptedException {
            checkFutureExceptionNeverRetrieved(true);
        }
    }

    @Nested
    class LoopFutureTests extends BaseFutureTests {
        @Override
        <T> Future<T> newFuture(EventLoop loop) {
            return loop.createFuture();
        }
    }

    @Nested
    class SubFutureTests extends BaseFutureTests {
        @Override
        <T> Future<T> newFuture(EventLoop loop) {
            return new MyFuture<>(loop);
        }
    }

    // ==================================================================== BaseFutureDoneCallbackTests

    abstract static class BaseFutureDoneCallbackTests {
        EventLoop loop;
        final List<Map<String, Object>> reports = new ArrayList<>();

        abstract <T> Future<T> newFuture();

        @BeforeEach
        void setUp() {
            loop = Asyncio.newEventLoop();
            loop.setExceptionHandler((l, context) -> reports.add(context));
        }

        @AfterEach
        void tearDown() {
            loop.close();
        }

        void runBriefly() {
            FuturesTest.runBriefly(loop);
        }

        static Consumer<Future<?>> makeCallback(List<Object> bag, Object thing) {
            return future -> bag.add(thing);
        }

        @Test
        void testCallbacksRemoveFirstCallback() {
            List<Object> bag = new ArrayList<>();
            Future<String> f = newFuture();
            Consumer<Future<?>> cb1 = makeCallback(bag, 42);
            Consumer<Future<?>> cb2 = makeCallback(bag, 17);
            Consumer<Future<?>> cb3 = makeCallback(bag, 100);
            f.addDoneCallback(cb1);
            f.addDoneCallback(cb2);
            f.addDoneCallback(cb3);

            assertThat(f.removeDoneCallback(cb1)).isEqualTo(1);
            assertThat(f.removeDoneCallback(cb1)).isEqualTo(0);

            assertThat(bag).isEmpty();
            f.setResult("foo");
            runBriefly();
            assertThat(bag).containsExactly(17, 100);
            assertThat(f.result()).isEqualTo("foo");
        }

        @Test
        void testCallbacksRemoveFirstAndSecondCallback() {
            List<Object> bag = new ArrayList<>();
            Future<String> f = newFuture();
            Consumer<Future<?>> cb1 = makeCallback(bag, 42);
            Consumer<Future<?>> cb2 = makeCallback(bag, 17);
            Consumer<Future<?>> cb3 = makeCallback(bag, 100);
            f.addDoneCallback(cb1);
            f.addDoneCallback(cb2);
            f.addDoneCallback(cb3);

            assertThat(f.removeDoneCallback(cb1)).isEqualTo(1);
            assertThat(f.removeDoneCallback(cb2)).isEqualTo(1);
            assertThat(f.removeDoneCallback(cb1)).isEqualTo(0);

            assertThat(bag).isEmpty();
            f.setResult("foo");
            runBriefly();
            assertThat(bag).containsExactly(100);
            assertThat(f.result()).isEqualTo("foo");
        }

        @Test
        void testCallbacksRemoveThirdCallback() {
            List<Object> bag = new ArrayList<>();
            Future<String> f = newFuture();
            Consumer<Future<?>> cb1 = makeCallback(bag, 42);
            Consumer<Future<?>> cb2 = makeCallback(bag, 17);
            Consumer<Future<?>> cb3 = makeCallback(bag, 100);
            f.addDoneCallback(cb1);
            f.addDoneCallback(cb2);
            f.addDoneCallback(cb3);

            assertThat(f.removeDoneCallback(cb3)).isEqualTo(1);
            assertThat(f.removeDoneCallback(cb3)).isEqualTo(0);

            assertThat(bag).isEmpty();
            f.setResult("foo");
            runBriefly();
            assertThat(bag).containsExactly(42, 17);
            assertThat(f.result()).isEqualTo("foo");
        }

        @Test
        void testCallbacksInvokedOnSetResult() {
            List<Object> bag = new ArrayList<>();
            List<Future<?>> received = new ArrayList<>();
            Future<String> f = newFuture();
            f.addDoneCallback(makeCallback(bag, 42));
            f.addDoneCallback(makeCallback(bag, 17));
            f.addDoneCallback(received::add);

            assertThat(bag).isEmpty();
            f.setResult("foo");
            // Scheduled with callSoon, never run inline by setResult.
            assertThat(bag).isEmpty();
            runBriefly();
            assertThat(bag).containsExactly(42, 17);
            assertThat(received).containsExactly(f);
            assertThat(f.result()).isEqualTo("foo");
        }

        @Test
        void testCallbacksInvokedOnSetException() {
            List<Object> bag = new ArrayList<>();
            Future<String> f = newFuture();
            f.addDoneCallback(makeCallback(bag, 100));

            assertThat(bag).isEmpty();
            RuntimeException exc = new RuntimeException();
            f.setException(exc);
            assertThat(bag).isEmpty();
            runBriefly();
            assertThat(bag).containsExactly(100);
            assertThat(f.exception()).isSameAs(exc);
        }

        @Test
        void testCallbacksInvokedOnCancel() {
            // No CPython counterpart in this file: cancel() schedules the callbacks too.
            List<Object> bag = new ArrayList<>();
            Future<String> f = newFuture();
            f.addDoneCallback(done -> bag.add("cancelled=" + done.isCancelled()));
            f.addDoneCallback(makeCallback(bag, 2));
            assertThat(f.cancel("why")).isTrue();
            assertThat(bag).isEmpty();
            runBriefly();
            assertThat(bag).containsExactly("cancelled=true", 2);
        }

        @Test
        void testRemoveDoneCallback() {
            List<Object> bag = new ArrayList<>();
            Future<String> f = newFuture();
            Consumer<Future<?>> cb1 = makeCallback(bag, 1);
            Consumer<Future<?>> cb2 = makeCallback(bag, 2);
            Consumer<Future<?>> cb3 = makeCallback(bag, 3);

            assertThat(f.removeDoneCallback(cb1)).isEqualTo(0);

            // Add one cb1 and one cb2.
            f.addDoneCallback(cb1);
            f.addDoneCallback(cb2);

            // One instance of cb2 removed. Now there's only one cb1.
            assertThat(f.removeDoneCallback(cb2)).isEqualTo(1);

            // Never had any cb3 in there.
            assertThat(f.removeDoneCallback(cb3)).isEqualTo(0);

            // After this there will be 6 instances of cb1 and one of cb2.
            f.addDoneCallback(cb2);
            for (int i = 0; i < 5; i++) {
                f.addDoneCallback(cb1);
            }

            // Remove all instances of cb1. One cb2 remains.
            assertThat(f.removeDoneCallback(cb1)).isEqualTo(6);

            assertThat(bag).isEmpty();
            f.setResult("foo");
            runBriefly();
            assertThat(bag).containsExactly(2);
            assertThat(f.result()).isEqualTo("foo");
        }

        @Test
        void testSameCallbackAddedTwiceRunsTwice() {
            // No CPython counterpart: duplicates are kept, each registration runs.
            List<Object> bag = new ArrayList<>();
            Future<String> f = newFuture();
            Consumer<Future<?>> cb = makeCallback(bag, "x");
            f.addDoneCallback(cb);
            f.addDoneCallback(makeCallback(bag, "y"));
            f.addDoneCallback(cb);
            f.setResult("foo");
            runBriefly();
            assertThat(bag).containsExactly("x", "y", "x");
        }

        @Test
        void testScheduleCallbacksListMutation1() {
            // A callback that removes the others while running: they were all scheduled when the
            // future completed, so there is nothing left to remove and every one of them runs.
            List<Object> bag = new ArrayList<>();
            Future<Integer> f = newFuture();
            Consumer<Future<?>> other = makeCallback(bag, "other");
            f.addDoneCallback(done -> bag.add("mut removed " + f.removeDoneCallback(other)));
            f.addDoneCallback(other);
            f.addDoneCallback(other);
            f.setResult(1);
            runBriefly();
            assertThat(bag).containsExactly("mut removed 0", "other", "other");
        }

        @Test
        void testRemoveDoneCallbackOnDoneFuture() {
            // No CPython counterpart: once done, the callbacks are handed to the loop and can no
            // longer be removed; one added to a done future is scheduled at once.
            List<Object> bag = new ArrayList<>();
            Future<Integer> f = newFuture();
            Consumer<Future<?>> cb = makeCallback(bag, "cb");
            f.addDoneCallback(cb);
            f.setResult(1);
            assertThat(f.removeDoneCallback(cb)).isEqualTo(0);
            Consumer<Future<?>> late = makeCallback(bag, "late");
            f.addDoneCallback(late);
            assertThat(f.removeDoneCallback(late)).isEqualTo(0);
            runBriefly();
            assertThat(bag).containsExactly("cb", "late");
        }

        @Test
        void testCallbackAddedToDoneFutureIsScheduledViaCallSoon() {
            // No CPython counterpart: scheduled in callSoon order, not inline.
            List<Object> bag = new ArrayList<>();
            Future<String> f = newFuture();
            f.setResult("done");
            loop.callSoon(() -> bag.add("before"));
            f.addDoneCallback(makeCallback(bag, "cb"));
            loop.callSoon(() -> bag.add("after"));
            assertThat(bag).isEmpty();
            runBriefly();
            assertThat(bag).containsExactly("before", "cb", "after");
        }

        @Test
        void testCallbacksRunAfterCallbacksAlreadyReady() {
            // No CPython counterpart: completing a future from a callback schedules its callbacks
            // behind what is already ready, i.e. in the next loop iteration.
            List<Object> bag = new ArrayList<>();
            Future<Integer> f = newFuture();
            f.addDoneCallback(makeCallback(bag, "done-cb"));
            loop.callSoon(() -> {
                bag.add("first");
                f.setResult(1);
                bag.add("after-set");
            });
            loop.callSoon(() -> bag.add("second"));
            runBriefly();
            assertThat(bag).containsExactly("first", "after-set", "second");
            runBriefly();
            assertThat(bag).containsExactly("first", "after-set", "second", "done-cb");
        }

        @Test
        void testCallbacksNotRunInlineInsideTask() {
            // No CPython counterpart: inside a task too, completing a future only schedules its
            // callbacks; they run when the task yields.
            List<Object> bag = new ArrayList<>();
            loop.runUntilComplete(() -> {
                Future<Integer> f = newFuture();
                f.addDoneCallback(makeCallback(bag, "cb"));
                f.setResult(1);
                bag.add("after-set");
                sleep(Duration.ZERO);
                bag.add("after-yield");
                return null;
            });
            assertThat(bag).containsExactly("after-set", "cb", "after-yield");
        }

        @Test
        void testTaskWakeupOrderedWithCallbacks() {
            // No CPython counterpart: an awaiting task is woken through the same callback list, so
            // it resumes between the callbacks added before and after its await.
            List<Object> log = new ArrayList<>();
            Future<String> f = newFuture();
            f.addDoneCallback(makeCallback(log, "cb1"));
            Task<Void> t = loop.createTask(() -> {
                log.add("task got " + await(f));
                return null;
            });
            runBriefly();
            f.addDoneCallback(makeCallback(log, "cb2"));
            f.setResult("r");
            loop.runUntilComplete(t);
            assertThat(log).containsExactly("cb1", "task got r", "cb2");
        }

        @Test
        void testCallbackExceptionIsReportedAndLaterCallbacksRun() {
            // No CPython counterpart here: a failing callback goes to the exception handler and does
            // not prevent the next callbacks.
            List<Object> bag = new ArrayList<>();
            Future<String> f = newFuture();
            IllegalStateException boom = new IllegalStateException("boom");
            f.addDoneCallback(done -> {
                throw boom;
            });
            f.addDoneCallback(makeCallback(bag, 2));
            f.setResult("x");
            runBriefly();
            assertThat(bag).containsExactly(2);
            assertThat(reports).hasSize(1);
            assertThat(reports.get(0).get("exception")).isSameAs(boom);
            assertThat(String.valueOf(reports.get(0).get("message"))).contains("Exception in callback");
        }
    }

    @Nested
    class LoopFutureDoneCallbackTests extends BaseFutureDoneCallbackTests {
        @Override
        <T> Future<T> newFuture() {
            return loop.createFuture();
        }
    }

    @Nested
    class SubFutureDoneCallbackTests extends BaseFutureDoneCallbackTests {
        @Override
        <T> Future<T> newFuture() {
            return new MyFuture<>(loop);
        }
    }
}
