/*
 * Conformance tests ported from CPython's Lib/test/test_asyncio/test_futures2.py (3.12/3.13), the
 * IsolatedAsyncioTestCase-based future/task tests. Behaviours were ported and rewritten in Java; no
 * CPython code was copied. Each test runs in its own loop through Asyncio.run, as
 * IsolatedAsyncioTestCase does.
 *
 * Not ported: the contextvars half of the two *_exc_handler_correct_context tests (asyncio4j has no
 * context-variable API); the handler-is-called half is ported.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Futures2Test {

    @Test
    void testFutureTraceback() {
        // Awaiting a failed task again and again rethrows the very same exception, and its stack
        // trace does not grow with each await (CPython: "await future" appears once in the traceback).
        Asyncio.run(() -> {
            Task<Void> future = createTask(() -> {
                throw new IllegalArgumentException("42");
            });
            IllegalArgumentException first = null;
            StackTraceElement[] firstTrace = null;
            for (int i = 0; i < 5; i++) {
                try {
                    await(future);
                    fail("IllegalArgumentException was not thrown");
                } catch (IllegalArgumentException e) {
                    if (first == null) {
                        first = e;
                        firstTrace = e.getStackTrace();
                    }
                    assertThat(e).isSameAs(first).hasMessage("42");
                    assertThat(e.getStackTrace()).containsExactly(firstTrace);
                    assertThat(e.getSuppressed()).isEmpty();
                    assertThat(e.getCause()).isNull();
                }
            }
            return null;
        });
    }

    @Test
    void testTaskExcHandlerCorrectContext() {
        // A task whose exception nobody retrieves is reported through the loop's exception handler,
        // once, with the task and the exception (at the latest when the loop closes).
        List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());
        Task<?>[] task = new Task<?>[1];
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler((l, context) -> reports.add(context));
            int zero = 0;
            task[0] = createTask(() -> 1 / zero);
            sleep(Duration.ZERO);
            assertThat(task[0].isDone()).isTrue();
            return null;
        });
        assertThat(reports).hasSize(1);
        Map<String, Object> context = reports.get(0);
        assertThat(context.get("message")).isEqualTo("Task exception was never retrieved");
        assertThat(context.get("exception")).isInstanceOf(ArithmeticException.class);
        assertThat(context.get("task")).isSameAs(task[0]);
    }

    @Test
    void testTaskCancelAfterFailureCountsAsRetrieved() {
        // No CPython counterpart in this file (Task.cancel clears _log_traceback before checking
        // done()): cancelling a task that already failed returns false and suppresses the
        // "Task exception was never retrieved" report; an untouched failed task is still reported.
        List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());
        Task<?>[] tasks = new Task<?>[2];
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, context) -> reports.add(context));
            tasks[0] = createTask(() -> {
                throw new IllegalStateException("cancelled afterwards");
            });
            tasks[1] = createTask(() -> {
                throw new IllegalStateException("left alone");
            });
            sleep(Duration.ZERO);
            assertThat(tasks[0].cancel()).isFalse();
            assertThat(tasks[0].isCancelled()).isFalse();
            return null;
        });
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("task")).isSameAs(tasks[1]);
        assertThat((Throwable) reports.get(0).get("exception")).hasMessage("left alone");
    }

    @Test
    void testHandleExcHandlerCorrectContext() {
        // An exception escaping a callSoon callback goes to the exception handler by the time the
        // scheduling task has yielded once, and the loop carries on.
        Asyncio.run(() -> {
            List<Map<String, Object>> reports = new ArrayList<>();
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler((l, context) -> reports.add(context));
            int zero = 0;
            loop.callSoon(() -> {
                int unused = 1 / zero;
            });
            sleep(Duration.ZERO);
            assertThat(reports).hasSize(1);
            assertThat(reports.get(0).get("exception")).isInstanceOf(ArithmeticException.class);
            assertThat(String.valueOf(reports.get(0).get("message"))).startsWith("Exception in callback");
            assertThat(reports.get(0)).containsKey("handle");
            return null;
        });
    }

    @Test
    void testRecursiveReprForPendingTasks() {
        // bpo-42183: a task whose result contains the task itself must render without recursing
        // forever; the inner occurrence is shown as "...".
        Asyncio.run(() -> {
            Task<Set<Task<?>>> t = createTask(Asyncio::allTasks);
            Set<Task<?>> waiter = waitFor(t, Duration.ofSeconds(10));
            assertThat(waiter).contains(t);
            String repr = waiter.toString();
            assertThat(repr).contains("...");
            assertThat(t.toString()).contains("...");
            return null;
        });
    }
}
