/*
 * Conformance tests for Asyncio.toThread, porting the behaviours checked by CPython's
 *   Lib/test/test_asyncio/test_threads.py  (class ToThreadTests)
 * (CPython 3.12/3.13). Written from the behaviour; method names are the CPython ones, camelCased.
 * Python's IsolatedAsyncioTestCase becomes one Asyncio.run per test.
 *
 * Not ported: test_to_thread_contextvars. Java has no contextvars: to_thread copies the caller's
 * context, while a ThreadLocal of the task's thread is (rightly) not visible in the executor thread,
 * and ScopedValue bindings are not inherited by executor threads either. Arguments are captured by
 * the lambda, so test_to_thread_args_kwargs checks that captured values arrive unchanged.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.toThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadsTest {

    @Test
    void testToThread() {
        int result = Asyncio.run(() -> toThread(() -> List.of(40, 2).stream().mapToInt(Integer::intValue).sum()));
        assertThat(result).isEqualTo(42);
    }

    @Test
    void testToThreadException() {
        assertThatThrownBy(() -> Asyncio.run(() -> toThread(() -> {
            throw new IllegalStateException("test");
        }))).isInstanceOf(IllegalStateException.class).hasMessage("test");
    }

    @Test
    void testToThreadCheckedExceptionUnchanged() {
        assertThatThrownBy(() -> Asyncio.run(() -> {
            try {
                return toThread(() -> {
                    throw new java.io.IOException("disk");
                });
            } catch (Exception e) {
                // Python's "except OSError" around the await: the real type, not a wrapper.
                assertThat(e).isInstanceOf(java.io.IOException.class);
                throw e;
            }
        })).isInstanceOf(java.io.IOException.class).hasMessage("disk");
    }

    @Test
    void testToThreadOnce() {
        AtomicInteger calls = new AtomicInteger();
        Asyncio.run(() -> toThread(calls::incrementAndGet));
        assertThat(calls).hasValue(1);
    }

    @Test
    void testToThreadConcurrent() {
        AtomicInteger calls = new AtomicInteger();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Asyncio.run(() -> {
            List<Task<Integer>> futs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futs.add(createTask(() -> toThread(() -> {
                    threads.add(Thread.currentThread());
                    return calls.incrementAndGet();
                })));
            }
            return await(gather(futs));
        });
        assertThat(calls).hasValue(10);
        assertThat(threads).doesNotContain(Thread.currentThread());
    }

    @Test
    void testToThreadArgsKwargs() {
        Map<String, Object> seen = new ConcurrentHashMap<>();
        String arg = "test";
        boolean something = true;
        Asyncio.run(() -> toThread(() -> {
            seen.put("arg", arg);
            seen.put("something", something);
            return null;
        }));
        assertThat(seen).containsEntry("arg", "test").containsEntry("something", true);
    }

    /** The point of to_thread: the loop keeps running other tasks while the call blocks. */
    @Test
    void testToThreadDoesNotBlockTheLoop() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            CountDownLatch release = new CountDownLatch(1);
            Task<String> blocking = createTask(() -> toThread(() -> {
                assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
                return "unblocked";
            }));
            Task<Void> ticker = createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    log.add("tick" + i);
                    sleep(Duration.ofMillis(2));
                }
                release.countDown();
                return null;
            });
            log.add(await(blocking));
            await(ticker);
            return null;
        });
        assertThat(log).containsExactly("tick0", "tick1", "tick2", "unblocked");
    }

    /** Cancelling the awaiting task cancels the await; the blocking call's result is dropped. */
    @Test
    void testToThreadCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> worker = new AtomicReference<>();
        boolean cancelled = Asyncio.run(() -> {
            Task<String> t = createTask(() -> toThread(() -> {
                worker.set(Thread.currentThread());
                started.countDown();
                release.await(20, TimeUnit.SECONDS);
                return "ignored";
            }));
            while (started.getCount() > 0) {
                sleep(Duration.ofMillis(1));
            }
            t.cancel();
            try {
                await(t);
                return false;
            } catch (CancelledError e) {
                release.countDown();
                return t.isCancelled();
            }
        });
        assertThat(cancelled).isTrue();
        Thread w = worker.get();
        assertThat(w).isNotNull();
        // Asyncio.run shuts the default executor down and waits for it (a short grace period for
        // the worker's own exit after its last job).
        w.join(2_000);
        assertThat(w.isAlive()).isFalse();
    }
}
