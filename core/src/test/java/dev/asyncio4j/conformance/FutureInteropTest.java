/*
 * Conformance tests for the bridge between asyncio4j futures and java.util.concurrent, ported from
 * the wrap_future and _copy_future_state tests of CPython's Lib/test/test_asyncio/test_futures.py
 * (3.12/3.13): asyncio.wrap_future(concurrent_future) is Future.from(CompletionStage) here, and the
 * reverse direction (asyncio future -> concurrent future, which asyncio does inside
 * run_coroutine_threadsafe) is Future.toCompletableFuture(). Behaviours were ported and rewritten in
 * Java; no CPython code was copied. Tests without a CPython counterpart say so.
 *
 * Not ported: test_wrap_future_future (wrap_future(asyncio_future) returns it unchanged: a Future is
 * not a CompletionStage here), test_wrap_future_use_global_loop (no global loop), DuckFuture tests
 * (duck typing).
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FutureInteropTest {
    private EventLoop loop;
    private ExecutorService pool;
    private final List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() {
        loop = Asyncio.newEventLoop();
        loop.setExceptionHandler((l, context) -> reports.add(context));
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        loop.close();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private static void runBriefly(EventLoop loop) {
        loop.callSoon(loop::stop);
        loop.runForever();
    }

    /** Future.from needs a running loop: wrap {@code stage} from inside a task of {@link #loop}. */
    private <T> Future<T> wrap(CompletionStage<T> stage) {
        return loop.runUntilComplete(() -> Future.from(stage));
    }

    // ==================================================================== wrap_future

    @Test
    void testWrapFuture() {
        CompletableFuture<Map.Entry<String, Thread>> f1 =
                CompletableFuture.supplyAsync(() -> Map.entry("oi", Thread.currentThread()), pool);
        Future<Map.Entry<String, Thread>> f2 = wrap(f1);
        Map.Entry<String, Thread> res = loop.runUntilComplete(f2);
        assertThat(res.getKey()).isEqualTo("oi");
        assertThat(res.getValue()).isNotSameAs(Thread.currentThread());
        assertThat(f2.isDone()).isTrue();
    }

    @Test
    void testWrapFutureWithoutLoop() {
        CompletableFuture<String> f1 = CompletableFuture.supplyAsync(() -> "oi", pool);
        assertThatThrownBy(() -> Future.from(f1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("running event loop");
        assertThatThrownBy(() -> Asyncio.ensureFuture(f1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void testWrapFutureUseRunningLoop() {
        CompletableFuture<String> f1 = CompletableFuture.supplyAsync(() -> "oi", pool);
        Future<String> f2 = wrap(f1);
        assertThat(f2.getLoop()).isSameAs(loop);
        Future<String> f3 = loop.runUntilComplete(() -> Asyncio.ensureFuture(f1));
        assertThat(f3.getLoop()).isSameAs(loop);
        assertThat(loop.runUntilComplete(f2)).isEqualTo("oi");
        assertThat(loop.runUntilComplete(f3)).isEqualTo("oi");
    }

    @Test
    void testWrapFutureCancel() {
        CompletableFuture<Integer> f1 = new CompletableFuture<>();
        Future<Integer> f2 = wrap(f1);
        assertThat(f2.cancel()).isTrue();
        runBriefly(loop);
        assertThat(f1.isCancelled()).isTrue();
        assertThat(f2.isCancelled()).isTrue();
    }

    @Test
    void testWrapFutureCancel2() {
        CompletableFuture<Integer> f1 = new CompletableFuture<>();
        Future<Integer> f2 = wrap(f1);
        f1.complete(42);
        assertThat(f2.cancel()).isTrue();
        runBriefly(loop);
        assertThat(f1.isCancelled()).isFalse();
        assertThat(f1.join()).isEqualTo(42);
        assertThat(f2.isCancelled()).isTrue();
    }

    // ==================================================================== _copy_future_state

    @Test
    void testCopyState() {
        Future<Integer> newf = wrap(CompletableFuture.completedFuture(10));
        assertThat(loop.runUntilComplete(newf)).isEqualTo(10);
        assertThat(newf.isDone()).isTrue();

        RuntimeException exc = new RuntimeException();
        Future<Integer> newfException = wrap(CompletableFuture.failedFuture(exc));
        assertThatThrownBy(() -> loop.runUntilComplete(newfException)).isSameAs(exc);
        assertThat(newfException.isDone()).isTrue();

        CompletableFuture<Integer> cancelled = new CompletableFuture<>();
        cancelled.cancel(false);
        Future<Integer> newfCancelled = wrap(cancelled);
        assertThatThrownBy(() -> loop.runUntilComplete(newfCancelled)).isInstanceOf(CancelledError.class);
        assertThat(newfCancelled.isCancelled()).isTrue();

        // The exception crosses over as it is: same instance, same stack trace, nothing added.
        IllegalStateException raised;
        try {
            throw new IllegalStateException("raised once");
        } catch (IllegalStateException e) {
            raised = e;
        }
        StackTraceElement[] trace = raised.getStackTrace();
        Future<Integer> newfConexc = wrap(CompletableFuture.failedFuture(raised));
        assertThatThrownBy(() -> loop.runUntilComplete(newfConexc)).isSameAs(raised);
        assertThat(raised.getStackTrace()).containsExactly(trace);
        assertThat(raised.getSuppressed()).isEmpty();
    }

    @Test
    void testCopyStateFromConcurrentFutures() {
        CompletableFuture<Integer> failed = new CompletableFuture<>();
        failed.completeExceptionally(new IllegalArgumentException("test exception"));
        Future<Integer> fAsyncioExc = wrap(failed);
        assertThatThrownBy(() -> loop.runUntilComplete(fAsyncioExc))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test exception");

        // Destination already cancelled: a later result of the source does not overwrite it.
        CompletableFuture<Integer> source = new CompletableFuture<>();
        Future<Integer> precancelled = wrap(source);
        assertThat(precancelled.cancel()).isTrue();
        assertThat(source.complete(10)).isTrue();
        runBriefly(loop);
        assertThat(precancelled.isCancelled()).isTrue();
        assertThat(source.join()).isEqualTo(10);
    }

    @Test
    void testCopyStateUnwrapsCompletionException() {
        // Java counterpart of asyncio's exception-type conversion: the CompletionException that
        // dependent stages wrap failures in is removed, so the original exception comes out, and a
        // cancelled source seen through a dependent stage still means a cancelled future.
        IllegalArgumentException original = new IllegalArgumentException("in a stage");
        CompletableFuture<Integer> base = new CompletableFuture<>();
        CompletionStage<Integer> dependent = base.thenApply(x -> {
            throw original;
        });
        Future<Integer> wrapped = wrap(dependent);
        base.complete(1);
        assertThatThrownBy(() -> loop.runUntilComplete(wrapped)).isSameAs(original);

        CompletableFuture<Integer> base2 = new CompletableFuture<>();
        Future<Integer> wrappedCancel = wrap(base2.thenApply(x -> x + 1));
        base2.cancel(false);
        assertThatThrownBy(() -> loop.runUntilComplete(wrappedCancel)).isInstanceOf(CancelledError.class);
        assertThat(wrappedCancel.isCancelled()).isTrue();
    }

    // ==================================================================== Future.from, foreign threads

    @Test
    void testFromCompletedOnForeignThreadWhileTaskSuspended() throws Exception {
        // No CPython counterpart: the awaiting task suspends (other tasks run) until a foreign thread
        // completes the stage; the completing thread waits for proof that another task ran.
        CompletableFuture<String> cf = new CompletableFuture<>();
        CountDownLatch otherTaskRan = new CountDownLatch(1);
        pool.submit(() -> {
            if (otherTaskRan.await(5, TimeUnit.SECONDS)) {
                cf.complete("from " + Thread.currentThread().getName());
            } else {
                cf.completeExceptionally(new AssertionError("the loop was blocked"));
            }
            return null;
        });
        List<String> log = new ArrayList<>();
        String result = loop.runUntilComplete(() -> {
            Task<Void> other = createTask(() -> {
                log.add("other ran");
                otherTaskRan.countDown();
                return null;
            });
            String value = await(Future.from(cf));
            log.add("awaited");
            assertThat(other.isDone()).isTrue();
            return value;
        });
        assertThat(result).startsWith("from pool-");
        assertThat(log).containsExactly("other ran", "awaited");
    }

    @Test
    void testFromFailedOnForeignThreadRethrowsUnchanged() {
        // No CPython counterpart: a checked exception set on a foreign thread reaches the awaiter as
        // the same instance.
        IOException boom = new IOException("connection reset");
        CompletableFuture<String> cf = new CompletableFuture<>();
        pool.submit(() -> cf.completeExceptionally(boom));
        assertThatThrownBy(() -> loop.runUntilComplete(() -> await(Future.from(cf)))).isSameAs(boom);
    }

    @Test
    void testFromCancelledOnForeignThread() {
        // No CPython counterpart: cancelling the stage on another thread cancels the future, and the
        // awaiting task sees CancelledError.
        CompletableFuture<String> cf = new CompletableFuture<>();
        CountDownLatch awaiting = new CountDownLatch(1);
        pool.submit(() -> {
            awaiting.await(5, TimeUnit.SECONDS);
            return cf.cancel(true);
        });
        String outcome = loop.runUntilComplete(() -> {
            Future<String> f = Future.from(cf);
            awaiting.countDown();
            try {
                await(f);
                return "not cancelled";
            } catch (CancelledError e) {
                return "cancelled=" + f.isCancelled();
            }
        });
        assertThat(outcome).isEqualTo("cancelled=true");
    }

    @Test
    void testCancellingAwaitingTaskCancelsStage() {
        // No CPython counterpart: Task.cancel cancels the future the task awaits, which cancels the
        // stage it wraps; the foreign side sees a CancellationException.
        CompletableFuture<String> cf = new CompletableFuture<>();
        Task<String> t = loop.createTask(() -> await(Future.from(cf)));
        runBriefly(loop);
        assertThat(t.cancel("enough")).isTrue();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class).hasMessage("enough");
        runBriefly(loop);
        assertThat(cf.isCancelled()).isTrue();
        assertThatThrownBy(cf::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void testFromMinimalCompletionStage() {
        // No CPython counterpart: a stage that is not a CompletableFuture (minimal stage) works too.
        CompletableFuture<Integer> cf = new CompletableFuture<>();
        Future<Integer> f = wrap(cf.minimalCompletionStage());
        pool.submit(() -> cf.complete(7));
        assertThat(loop.runUntilComplete(f)).isEqualTo(7);
    }

    @Test
    void testFromSameStageTwice() {
        // No CPython counterpart: each wrapper follows the stage independently.
        CompletableFuture<Integer> cf = new CompletableFuture<>();
        Future<Integer> a = wrap(cf);
        Future<Integer> b = wrap(cf);
        assertThat(a).isNotSameAs(b);
        pool.submit(() -> cf.complete(5));
        assertThat(loop.runUntilComplete(a)).isEqualTo(5);
        assertThat(loop.runUntilComplete(b)).isEqualTo(5);
    }

    @Test
    void testFromStageCompletedAfterLoopClosedIsIgnored() throws Exception {
        // No CPython counterpart: a stage completing after its loop closed is ignored (no error in the
        // completing thread, nothing reported, the future stays pending).
        CompletableFuture<Integer> cf = new CompletableFuture<>();
        Future<Integer> f = wrap(cf);
        loop.close();
        assertThat(pool.submit(() -> cf.complete(1)).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(f.isDone()).isFalse();
        assertThat(reports).isEmpty();
    }

    // ==================================================================== toCompletableFuture

    @Test
    void testToCompletableFutureResult() throws Exception {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        java.util.concurrent.Future<String> reader = pool.submit(() -> cf.get(5, TimeUnit.SECONDS));
        loop.callSoon(() -> f.setResult("v"));
        runBriefly(loop);
        // setResult only scheduled the bridge callback.
        assertThat(cf.isDone()).isFalse();
        runBriefly(loop);
        assertThat(reader.get(5, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(cf.join()).isEqualTo("v");
    }

    @Test
    void testToCompletableFutureException() {
        IOException boom = new IOException("boom");
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        f.setException(boom);
        runBriefly(loop);
        assertThat(cf.isCompletedExceptionally()).isTrue();
        assertThat(cf.isCancelled()).isFalse();
        assertThatThrownBy(cf::get).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
        assertThatThrownBy(cf::join).isInstanceOf(CompletionException.class).cause().isSameAs(boom);
        // The bridge retrieved the exception: nothing is reported as never retrieved.
        loop.close();
        assertThat(reports).isEmpty();
    }

    @Test
    void testToCompletableFutureCancelledFuture() {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertThat(f.cancel("bye")).isTrue();
        runBriefly(loop);
        assertThat(cf.isCancelled()).isTrue();
        assertThatThrownBy(cf::join).isInstanceOf(CancellationException.class);
        assertThat(f.isCancelled()).isTrue();
    }

    @Test
    void testToCompletableFutureOfDoneFuture() {
        Future<Integer> f = loop.createFuture();
        f.setResult(7);
        CompletableFuture<Integer> cf = f.toCompletableFuture();
        // A done future's outcome is there at once: no loop iteration is needed to read it.
        assertThat(cf.isDone()).isTrue();
        assertThat(cf.join()).isEqualTo(7);
    }

    @Test
    void testCancelCompletableFutureFromForeignThreadCancelsFuture() {
        // Cancelling the CompletableFuture on another thread cancels the loop's future (through
        // callSoonThreadsafe, waking the idle loop), and the task awaiting it sees CancelledError.
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        CountDownLatch awaiting = new CountDownLatch(1);
        java.util.concurrent.Future<Boolean> canceller = pool.submit(() -> {
            awaiting.await(5, TimeUnit.SECONDS);
            return cf.cancel(true);
        });
        String outcome = loop.runUntilComplete(() -> {
            awaiting.countDown();
            try {
                return await(f);
            } catch (CancelledError e) {
                return "cancelled";
            }
        });
        assertThat(outcome).isEqualTo("cancelled");
        assertThat(f.isCancelled()).isTrue();
        assertThat(canceller).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
    }

    @Test
    void testCancelCompletableFutureOfTaskCancelsTask() {
        // The bridge of a task: its result reaches a foreign thread, and cancelling the bridge
        // cancels the task, whose coroutine sees CancelledError at its await.
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Task<String> t = loop.createTask(() -> {
            try {
                sleep(Duration.ofSeconds(30));
                return "slept";
            } catch (CancelledError e) {
                log.add("task cancelled");
                throw e;
            }
        });
        CompletableFuture<String> cf = t.toCompletableFuture();
        runBriefly(loop);
        pool.submit(() -> cf.cancel(true));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(t.isCancelled()).isTrue();
        assertThat(log).containsExactly("task cancelled");
        assertThat(cf.isCancelled()).isTrue();
    }

    @Test
    void testToCompletableFutureOfTaskResult() throws Exception {
        Task<Integer> t = loop.createTask(() -> {
            sleep(Duration.ofMillis(5));
            return 6 * 7;
        });
        CompletableFuture<Integer> cf = t.toCompletableFuture();
        java.util.concurrent.Future<Integer> reader = pool.submit(() -> cf.get(5, TimeUnit.SECONDS));
        assertThat(loop.runUntilComplete(t)).isEqualTo(42);
        runBriefly(loop);
        assertThat(reader.get(5, TimeUnit.SECONDS)).isEqualTo(42);
    }

    @Test
    void testCancelCompletableFutureAfterLoopClosed() {
        // No CPython counterpart: cancelling the bridge after the loop closed is harmless.
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        loop.close();
        assertThat(cf.cancel(true)).isTrue();
        assertThat(cf.isCancelled()).isTrue();
        assertThat(f.isDone()).isFalse();
    }

    @Test
    void testRoundTripAcrossLoops() throws Exception {
        // A future of one loop awaited by a task of another loop running in another thread:
        // toCompletableFuture() on one side, Future.from() on the other.
        Future<String> fa = loop.createFuture();
        CompletableFuture<String> bridge = fa.toCompletableFuture();
        java.util.concurrent.Future<String> other = pool.submit(() -> Asyncio.run(() -> {
            String v = await(Future.from(bridge));
            return v + "!";
        }));
        loop.callSoon(() -> fa.setResult("hi"));
        runBriefly(loop);
        runBriefly(loop);
        assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("hi!");
    }
}
