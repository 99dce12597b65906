/*
 * Conformance tests for TaskGroup.
 *
 * Ported from CPython's Lib/test/test_asyncio/test_taskgroups.py (3.12/3.13, plus the gh-128550
 * regression test of later 3.12/3.13 releases and Python 3.15's TaskGroup.cancel()): the behaviours
 * each CPython test checks are re-expressed against asyncio4j's public API; no code is copied. Method
 * names are the CPython names in camelCase; cases without a CPython counterpart say so.
 *
 * Mapping notes: `async with TaskGroup() as g:` is `TaskGroup.run(g -> ...)`; ExceptionGroup is
 * TaskGroupException; ZeroDivisionError is ArithmeticException, ValueError IllegalArgumentException;
 * KeyboardInterrupt-like base exceptions are java.lang.Error subclasses other than CancelledError.
 * Times are scaled down from CPython's 0.1-0.5 s to 10-50 ms; sleeps the test expects to be cancelled
 * keep long durations, so a missing cancellation shows up as a timeout of the test.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.*;
import static org.assertj.core.api.Assertions.*;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.Future;
import dev.asyncio4j.Task;
import dev.asyncio4j.TaskGroup;
import dev.asyncio4j.TaskGroupException;
import dev.asyncio4j.TimeoutError;
import java.time.Duration;
import org.assertj.core.api.InstanceOfAssertFactories;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class TaskGroupsTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    static final class MyExc extends Exception {
        MyExc() {
            super("my exc");
        }

        MyExc(String message) {
            super(message);
        }
    }

    /** A base exception in Python's sense: an Error that is not a cancellation. */
    static final class MyBaseError extends Error {
        MyBaseError() {
            super("my base error");
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static <X extends Throwable> X thrown(Class<X> type, ThrowingRunnable body) {
        try {
            body.run();
        } catch (Throwable e) {
            if (!type.isInstance(e)) {
                throw new AssertionError("expected " + type.getSimpleName() + " but got " + e, e);
            }
            return type.cast(e);
        }
        throw new AssertionError("expected " + type.getSimpleName() + " but nothing was thrown");
    }

    /**
     * Whether the loop starts tasks eagerly; CPython runs this suite both ways (TestTaskGroup and
     * TestEagerTaskTaskGroup), and so does {@link TaskGroupsEagerTest}.
     */
    boolean eagerTasks() {
        return false;
    }

    /** Asyncio.run with the loop's eager-task mode set as {@link #eagerTasks()} says. */
    <T> T run(Coroutine<T> main) {
        boolean eager = eagerTasks();
        return Asyncio.run(() -> {
            getRunningLoop().setEagerTasks(eager);
            return main.call();
        });
    }

    private static Set<Class<?>> errorTypes(TaskGroupException eg) {
        return eg.exceptions().stream().map(Object::getClass).collect(Collectors.toSet());
    }

    private static void ms(long millis) {
        sleep(Duration.ofMillis(millis));
    }

    private static Void crashAfter(long millis) {
        ms(millis);
        throw new ArithmeticException("/ by zero");
    }

    // ------------------------------------------------------------------ results

    @Test
    void taskgroup01() {
        List<Integer> results = run(() -> {
            List<Task<Integer>> ts = TaskGroup.run(g -> List.of(
                    g.createTask(() -> { ms(10); return 42; }),
                    g.createTask(() -> { ms(20); return 11; })));
            return List.of(ts.get(0).result(), ts.get(1).result());
        });
        assertThat(results).containsExactly(42, 11);
    }

    @Test
    void taskgroup02() {
        List<Integer> results = run(() -> {
            List<Task<Integer>> ts = new ArrayList<>();
            TaskGroup.run(g -> {
                ts.add(g.createTask(() -> { ms(10); return 42; }));
                ms(15);
                ts.add(g.createTask(() -> { ms(20); return 11; }));
                return null;
            });
            return List.of(ts.get(0).result(), ts.get(1).result());
        });
        assertThat(results).containsExactly(42, 11);
    }

    @Test
    void taskgroup03() {
        // Cancelling one child explicitly does not disturb the group.
        run(() -> {
            List<Task<Integer>> ts = new ArrayList<>();
            String v = TaskGroup.run(g -> {
                ts.add(g.createTask(() -> { sleep(Duration.ofSeconds(1)); return 42; }));
                ms(15);
                ts.get(0).cancel();
                ts.add(g.createTask(() -> { ms(20); return 11; }));
                return "body";
            });
            assertThat(v).isEqualTo("body");
            assertThat(ts.get(0).isCancelled()).isTrue();
            assertThat(ts.get(1).result()).isEqualTo(11);
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    @Test
    void taskgroupRunReturnsBodyValue() {
        // No CPython counterpart (the Java scope returns a value): run returns the body's result once
        // every child is done.
        List<String> log = new ArrayList<>();
        String v = run(() -> {
            String r = TaskGroup.run(g -> {
                g.createTask(() -> { ms(10); log.add("child"); return null; });
                log.add("body");
                return "value";
            });
            log.add("after group");
            return r;
        });
        assertThat(v).isEqualTo("value");
        assertThat(log).containsExactly("body", "child", "after group");
    }

    // ------------------------------------------------------------------ child failures

    @Test
    void taskgroup04() {
        AtomicInteger num = new AtomicInteger();
        AtomicBoolean t2Cancel = new AtomicBoolean();
        AtomicReference<Task<Void>> t2 = new AtomicReference<>();
        run(() -> {
            Task<Void> runner = createTask(() -> {
                TaskGroup.run(g -> {
                    g.createTask(() -> crashAfter(10));
                    t2.set(g.createTask(() -> {
                        try {
                            sleep(Duration.ofSeconds(1));
                        } catch (CancelledError e) {
                            t2Cancel.set(true);
                            throw e;
                        }
                        num.addAndGet(1);
                        return null;
                    }));
                    return null;
                });
                num.addAndGet(10);
                return null;
            });
            TaskGroupException eg = thrown(TaskGroupException.class, () -> await(runner));
            assertThat(errorTypes(eg)).containsExactly(ArithmeticException.class);
            return null;
        });
        assertThat(num.get()).isZero();
        assertThat(t2Cancel.get()).isTrue();
        assertThat(t2.get().isCancelled()).isTrue();
    }

    @Test
    void cancelChildrenOnChildError() {
        AtomicInteger num = new AtomicInteger();
        AtomicBoolean t2Cancel = new AtomicBoolean();
        AtomicBoolean runnerCancel = new AtomicBoolean();
        run(() -> {
            Task<Void> runner = createTask(() -> {
                TaskGroup.run(g -> {
                    g.createTask(() -> crashAfter(10));
                    g.createTask(() -> crashAfter(10));
                    g.createTask(() -> crashAfter(10));
                    g.createTask(() -> {
                        try {
                            sleep(Duration.ofSeconds(5));
                        } catch (CancelledError e) {
                            t2Cancel.set(true);
                            throw e;
                        }
                        num.addAndGet(1);
                        return null;
                    });
                    try {
                        sleep(LONG);
                    } catch (CancelledError e) {
                        runnerCancel.set(true);
                        throw e;
                    }
                    return null;
                });
                num.addAndGet(10);
                return null;
            });
            TaskGroupException eg = thrown(TaskGroupException.class, () -> await(runner));
            assertThat(errorTypes(eg)).containsExactly(ArithmeticException.class);
            assertThat(eg.exceptions()).hasSizeBetween(1, 3);
            return null;
        });
        assertThat(num.get()).isZero();
        assertThat(t2Cancel.get()).isTrue();
        assertThat(runnerCancel.get()).isTrue();
    }

    @Test
    void errorsCollectedInOrder() {
        // No CPython counterpart by this name: failures are reported in the order they happened, not
        // in creation order, and a failure of the body comes after those of the children (it is added
        // when the group exits).
        run(() -> {
            TaskGroupException eg = thrown(TaskGroupException.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> {
                    try {
                        sleep(LONG);
                    } finally {
                        ms(20);
                        if (true) {
                            throw new MyExc("slow cleanup");
                        }
                    }
                    return null;
                });
                g.createTask(() -> {
                    try {
                        sleep(LONG);
                    } finally {
                        ms(5);
                        if (true) {
                            throw new MyExc("fast cleanup");
                        }
                    }
                    return null;
                });
                g.createTask(() -> crashAfter(5));
                try {
                    sleep(LONG);
                } finally {
                    if (true) {
                        throw new IllegalStateException("body");
                    }
                }
                return null;
            }));
            assertThat(eg.exceptions()).extracting(Throwable::getMessage)
                    .containsExactly("/ by zero", "fast cleanup", "slow cleanup", "body");
            assertThat(eg.getCause()).isSameAs(eg.exceptions().get(0));
            assertThat(eg.getSuppressed()).containsExactlyElementsOf(eg.exceptions().subList(1, 4));
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    @Test
    void taskgroup09() {
        AtomicReference<Task<Integer>> t1 = new AtomicReference<>();
        AtomicReference<Task<Integer>> t2 = new AtomicReference<>();
        run(() -> {
            TaskGroupException eg = thrown(TaskGroupException.class, () -> TaskGroup.run(g -> {
                t1.set(g.createTask(() -> { sleep(Duration.ofSeconds(1)); return 42; }));
                t2.set(g.createTask(() -> { sleep(Duration.ofSeconds(2)); return 11; }));
                ms(10);
                throw new ArithmeticException("/ by zero");
            }));
            assertThat(errorTypes(eg)).containsExactly(ArithmeticException.class);
            return null;
        });
        assertThat(t1.get().isCancelled()).isTrue();
        assertThat(t2.get().isCancelled()).isTrue();
    }

    @Test
    void taskgroup10() {
        AtomicReference<Task<Integer>> t1 = new AtomicReference<>();
        AtomicReference<Task<Integer>> t2 = new AtomicReference<>();
        ArithmeticException original = new ArithmeticException("/ by zero");
        run(() -> {
            TaskGroupException eg = thrown(TaskGroupException.class, () -> TaskGroup.run(g -> {
                t1.set(g.createTask(() -> { sleep(Duration.ofSeconds(1)); return 42; }));
                t2.set(g.createTask(() -> { sleep(Duration.ofSeconds(2)); return 11; }));
                throw original;
            }));
            assertThat(eg.exceptions()).containsExactly(original);
            return null;
        });
        assertThat(t1.get().isCancelled()).isTrue();
        assertThat(t2.get().isCancelled()).isTrue();
    }

    @Test
    void taskgroup13() {
        // The outer group's child fails first: the inner group is cancelled from outside and passes the
        // cancellation on; only the outer child's error is reported.
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(() -> { ms(10); throw new IllegalArgumentException("0.1"); });
                return TaskGroup.run(g2 -> {
                    g2.createTask(() -> { sleep(LONG); throw new IllegalArgumentException("10"); });
                    return null;
                });
            }));
            TaskGroupException eg = thrown(TaskGroupException.class, () -> await(r));
            assertThat(eg.exceptions()).singleElement(as(InstanceOfAssertFactories.THROWABLE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("0.1");
            return null;
        });
    }

    @Test
    void taskgroup14() {
        // The inner group's child fails first: the inner group's TaskGroupException becomes the body
        // failure of the outer group, which reports it nested.
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(() -> { sleep(LONG); throw new IllegalArgumentException("10"); });
                return TaskGroup.run(g2 -> {
                    g2.createTask(() -> { ms(10); throw new IllegalArgumentException("0.1"); });
                    return null;
                });
            }));
            TaskGroupException eg = thrown(TaskGroupException.class, () -> await(r));
            assertThat(errorTypes(eg)).containsExactly(TaskGroupException.class);
            TaskGroupException inner = (TaskGroupException) eg.exceptions().get(0);
            assertThat(inner.exceptions()).singleElement(as(InstanceOfAssertFactories.THROWABLE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("0.1");
            return null;
        });
    }

    @Test
    void taskgroup19() {
        // The body's cleanup raises while the group cancels it because of a child failure: both are
        // reported, the child's first.
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g -> {
                g.createTask(() -> crashAfter(10));
                nestedRaising(new MyExc());
                return null;
            }));
            TaskGroupException eg = thrown(TaskGroupException.class, () -> await(r));
            assertThat(eg.exceptions()).extracting(Object::getClass)
                    .containsExactly(ArithmeticException.class, MyExc.class);
            return null;
        });
    }

    private static <X extends Throwable> void nestedRaising(X error) throws X {
        try {
            sleep(LONG);
        } finally {
            if (true) {
                throw error;
            }
        }
    }

    @Test
    void taskgroup24() {
        // A child creates more tasks in the group; the group waits for all of them.
        List<String> log = new ArrayList<>();
        run(() -> TaskGroup.run(g -> {
            g.createTask(() -> {
                ms(10);
                g.createTask(() -> { ms(10); log.add("a"); return null; });
                g.createTask(() -> { ms(20); log.add("b"); return null; });
                return null;
            });
            return null;
        }));
        assertThat(log).containsExactly("a", "b");
    }

    @Test
    void taskgroup25() {
        AtomicInteger nhydras = new AtomicInteger();
        run(() -> {
            TaskGroupException eg = thrown(TaskGroupException.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> hydra(g, nhydras));
                g.createTask(() -> {
                    while (nhydras.get() < 10) {
                        sleep(Duration.ofMillis(2));
                    }
                    throw new ArithmeticException("/ by zero");
                });
                return null;
            }));
            assertThat(errorTypes(eg)).containsExactly(ArithmeticException.class);
            return null;
        });
        assertThat(nhydras.get()).isGreaterThanOrEqualTo(10);
    }

    private static Void hydra(TaskGroup g, AtomicInteger nhydras) {
        nhydras.incrementAndGet();
        sleep(Duration.ofMillis(1));
        g.createTask(() -> hydra(g, nhydras));
        g.createTask(() -> hydra(g, nhydras));
        return null;
    }

    // ------------------------------------------------------------------ cancellation from outside

    @Test
    void cancellation() {
        AtomicInteger num = new AtomicInteger();
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g -> {
                for (int i = 0; i < 5; i++) {
                    g.createTask(() -> {
                        try {
                            sleep(Duration.ofSeconds(5));
                        } catch (CancelledError e) {
                            num.incrementAndGet();
                            throw e;
                        }
                        return null;
                    });
                }
                return null;
            }));
            ms(10);
            assertThat(r.isDone()).isFalse();
            r.cancel("test");
            CancelledError e = thrown(CancelledError.class, () -> await(r));
            assertThat(e).hasMessage("test");
            assertThat(r.isCancelled()).isTrue();
            return null;
        });
        assertThat(num.get()).isEqualTo(5);
    }

    @Test
    void taskgroup07() {
        AtomicInteger num = new AtomicInteger();
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g -> {
                for (int i = 0; i < 5; i++) {
                    g.createTask(() -> {
                        try {
                            sleep(Duration.ofSeconds(5));
                        } catch (CancelledError e) {
                            num.incrementAndGet();
                            throw e;
                        }
                        return null;
                    });
                }
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    num.addAndGet(10);
                    throw e;
                }
                return null;
            }));
            ms(10);
            assertThat(r.isDone()).isFalse();
            r.cancel();
            thrown(CancelledError.class, () -> await(r));
            return null;
        });
        assertThat(num.get()).isEqualTo(15);
    }

    @Test
    void taskgroup08() {
        // Cancelled from outside, but the children fail in their cleanup: the failures take priority
        // over the cancellation.
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g -> {
                for (int i = 0; i < 5; i++) {
                    g.createTask(() -> {
                        try {
                            sleep(LONG);
                        } finally {
                            if (true) {
                                throw new ArithmeticException("/ by zero");
                            }
                        }
                        return null;
                    });
                }
                sleep(LONG);
                return null;
            }));
            ms(10);
            assertThat(r.isDone()).isFalse();
            r.cancel();
            TaskGroupException eg = thrown(TaskGroupException.class, () -> await(r));
            assertThat(errorTypes(eg)).containsExactly(ArithmeticException.class);
            assertThat(eg.exceptions()).hasSize(5);
            return null;
        });
    }

    @Test
    void cancellationInBody() {
        // The body is cancelled from outside before any child fails: CancelledError (with the
        // message) propagates, and the children are cancelled instead of failing.
        List<Task<Void>> children = new ArrayList<>();
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g -> {
                for (int i = 0; i < 5; i++) {
                    children.add(g.createTask(() -> crashAfter(1_000)));
                }
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    throw e;
                }
                return null;
            }));
            ms(5);
            assertThat(r.isDone()).isFalse();
            r.cancel("test");
            CancelledError e = thrown(CancelledError.class, () -> await(r));
            assertThat(e).hasMessage("test");
            return null;
        });
        assertThat(children).hasSize(5).allMatch(Task::isCancelled);
    }

    @Test
    void taskgroup11() {
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g1 -> TaskGroup.run(g2 -> {
                for (int i = 0; i < 5; i++) {
                    g2.createTask(() -> crashAfter(1_000));
                }
                sleep(LONG);
                return null;
            })));
            ms(10);
            assertThat(r.isDone()).isFalse();
            r.cancel();
            thrown(CancelledError.class, () -> await(r));
            return null;
        });
    }

    @Test
    void taskgroup12() {
        AtomicReference<Task<Void>> outerChild = new AtomicReference<>();
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g1 -> {
                outerChild.set(g1.createTask(() -> { sleep(LONG); return null; }));
                return TaskGroup.run(g2 -> {
                    for (int i = 0; i < 5; i++) {
                        g2.createTask(() -> crashAfter(1_000));
                    }
                    sleep(LONG);
                    return null;
                });
            }));
            ms(10);
            assertThat(r.isDone()).isFalse();
            r.cancel();
            thrown(CancelledError.class, () -> await(r));
            return null;
        });
        assertThat(outerChild.get().isCancelled()).isTrue();
    }

    @Test
    void taskgroup15() {
        // Cancelled from outside; while the body handles its cancellation (awaiting), a child fails:
        // the child's failure is reported, not the cancellation (CPython 3.12/3.13).
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(() -> crashAfter(30));
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    ms(50);
                    throw e;
                }
                return null;
            }));
            ms(10);
            assertThat(r.isDone()).isFalse();
            r.cancel();
            TaskGroupException eg = thrown(TaskGroupException.class, () -> await(r));
            assertThat(errorTypes(eg)).containsExactly(ArithmeticException.class);
            assertThat(r.isCancelled()).isFalse();
            return null;
        });
    }

    @Test
    void taskgroup16() {
        run(() -> {
            Task<Void> r = createTask(() -> {
                Task<Void> t = createTask(() -> TaskGroup.run(g1 -> {
                    g1.createTask(() -> crashAfter(30));
                    try {
                        sleep(LONG);
                    } catch (CancelledError e) {
                        ms(50);
                        throw e;
                    }
                    return null;
                }));
                return await(t);
            });
            ms(10);
            assertThat(r.isDone()).isFalse();
            r.cancel();
            TaskGroupException eg = thrown(TaskGroupException.class, () -> await(r));
            assertThat(errorTypes(eg)).containsExactly(ArithmeticException.class);
            return null;
        });
    }

    @Test
    void taskgroup17() {
        AtomicInteger num = new AtomicInteger();
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g -> {
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    num.addAndGet(10);
                    throw e;
                }
                return null;
            }));
            ms(10);
            assertThat(r.isDone()).isFalse();
            r.cancel();
            thrown(CancelledError.class, () -> await(r));
            return null;
        });
        assertThat(num.get()).isEqualTo(10);
    }

    @Test
    void taskgroup18() {
        // The body turns its cancellation into an ordinary exception ("not a good idea, but
        // supported"): it is reported in a TaskGroupException.
        AtomicInteger num = new AtomicInteger();
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g -> {
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    num.addAndGet(10);
                    throw new MyExc();
                }
                return null;
            }));
            ms(10);
            assertThat(r.isDone()).isFalse();
            r.cancel();
            TaskGroupException eg = thrown(TaskGroupException.class, () -> await(r));
            assertThat(errorTypes(eg)).containsExactly(MyExc.class);
            return null;
        });
        assertThat(num.get()).isEqualTo(10);
    }

    @Test
    void taskgroup22() {
        List<Task<Integer>> children = new ArrayList<>();
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(g -> {
                children.add(g.createTask(() -> { sleep(Duration.ofSeconds(1)); return 42; }));
                children.add(g.createTask(() -> { sleep(Duration.ofSeconds(2)); return 11; }));
                return null;
            }));
            ms(5);
            r.cancel();
            thrown(CancelledError.class, () -> await(r));
            return null;
        });
        assertThat(children).allMatch(Task::isCancelled);
    }

    // ------------------------------------------------------------------ base errors

    @Test
    void taskgroup20() {
        // A base error from the body propagates as itself, not in a TaskGroupException, even though a
        // child failed too.
        MyBaseError base = new MyBaseError();
        run(() -> {
            MyBaseError e = thrown(MyBaseError.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> crashAfter(10));
                nestedRaising(base);
                return null;
            }));
            assertThat(e).isSameAs(base);
            return null;
        });
    }

    @Test
    void taskgroup21() {
        // Disabled in CPython (the loop itself crashes on KeyboardInterrupt in a child); here a base
        // error in a child cancels the body and the siblings and propagates as itself.
        MyBaseError base = new MyBaseError();
        AtomicReference<Task<Void>> sibling = new AtomicReference<>();
        List<String> log = new ArrayList<>();
        run(() -> {
            MyBaseError e = thrown(MyBaseError.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> {
                    ms(10);
                    throw base;
                });
                sibling.set(g.createTask(() -> { sleep(LONG); return null; }));
                try {
                    sleep(LONG);
                } catch (CancelledError ce) {
                    log.add("body cancelled");
                    throw ce;
                }
                return null;
            }));
            assertThat(e).isSameAs(base);
            return null;
        });
        assertThat(log).containsExactly("body cancelled");
        assertThat(sibling.get().isCancelled()).isTrue();
    }

    @Test
    void taskgroup21a() {
        // A base error in a child wins over an ordinary exception from the body's cleanup (CPython
        // reports both in a BaseExceptionGroup when the base exception is not KeyboardInterrupt or
        // SystemExit; Java has one kind of base error, which propagates as itself).
        MyBaseError base = new MyBaseError();
        run(() -> {
            MyBaseError e = thrown(MyBaseError.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> {
                    ms(10);
                    throw base;
                });
                nestedRaising(new IllegalArgumentException("type error"));
                return null;
            }));
            assertThat(e).isSameAs(base);
            return null;
        });
    }

    @Test
    void baseErrorInBodyCancelsChildren() {
        // No CPython counterpart by this name: a base error raised directly by the body still waits
        // for the children, which are cancelled, then propagates as itself.
        MyBaseError base = new MyBaseError();
        List<Task<Void>> children = new ArrayList<>();
        List<String> log = new ArrayList<>();
        run(() -> {
            MyBaseError e = thrown(MyBaseError.class, () -> TaskGroup.run(g -> {
                for (int i = 0; i < 3; i++) {
                    children.add(g.createTask(() -> {
                        try {
                            sleep(LONG);
                        } finally {
                            ms(1);
                            log.add("child cleaned up");
                        }
                        return null;
                    }));
                }
                sleep(Duration.ZERO);
                throw base;
            }));
            assertThat(e).isSameAs(base);
            log.add("group exited");
            return null;
        });
        assertThat(children).allMatch(Task::isCancelled);
        assertThat(log).containsExactly("child cleaned up", "child cleaned up", "child cleaned up", "group exited");
    }

    // ------------------------------------------------------------------ creating tasks

    @Test
    void taskgroupTaskName() {
        run(() -> TaskGroup.run(g -> {
            Task<Void> t = g.createTask(() -> { sleep(Duration.ZERO); return null; }, "yolo");
            assertThat(t.getName()).isEqualTo("yolo");
            return null;
        }));
    }

    @Test
    void name() {
        AtomicReference<String> name = new AtomicReference<>();
        run(() -> TaskGroup.run(g -> {
            g.createTask(() -> { name.set(currentTask().getName()); return null; }, "example name");
            return null;
        }));
        assertThat(name.get()).isEqualTo("example name");
    }

    @Test
    void taskgroupNoCreateTaskAfterFailure() {
        List<Throwable> refused = new ArrayList<>();
        AtomicBoolean lateRan = new AtomicBoolean();
        run(() -> {
            TaskGroupException eg = thrown(TaskGroupException.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> crashAfter(1));
                g.createTask(() -> {
                    try {
                        sleep(Duration.ofSeconds(1));
                    } catch (CancelledError e) {
                        try {
                            g.createTask(() -> { lateRan.set(true); return null; });
                        } catch (IllegalStateException ise) {
                            refused.add(ise);
                        }
                    }
                    return null;
                });
                return null;
            }));
            assertThat(errorTypes(eg)).containsExactly(ArithmeticException.class);
            return null;
        });
        assertThat(refused).singleElement().extracting(Throwable::getMessage).asString().contains("shutting down");
        assertThat(lateRan.get()).isFalse();
    }

    @Test
    void taskgroupContextManagerExitRaises() {
        // The body's cleanup (Python: an inner async context manager's __aexit__) raises while the
        // group cancels it for a child's failure: both errors are reported, and the cancel request
        // the group made is withdrawn.
        run(() -> {
            Task<Void> main = createTask(() -> {
                try {
                    TaskGroup.run(tg -> {
                        try {
                            tg.createTask(() -> { throw new MyExc("child"); });
                            sleep(Duration.ofSeconds(1));
                        } finally {
                            if (true) {
                                throw new MyExc("cleanup");
                            }
                        }
                        return null;
                    });
                    fail("MyExc not raised");
                } catch (TaskGroupException eg) {
                    assertThat(currentTask().cancelling()).isZero();
                    assertThat(eg.exceptions()).extracting(Throwable::getMessage).containsExactly("child", "cleanup");
                }
                sleep(Duration.ZERO);
                return null;
            });
            await(main);
            return null;
        });
    }

    @Test
    void taskgroupFinished() {
        // Also test_coro_closed_when_tg_closed: the coroutine given to a finished group never runs.
        AtomicBoolean ran = new AtomicBoolean();
        run(() -> {
            TaskGroup tg = TaskGroup.run(g -> g);
            int before = allTasks().size();
            assertThatThrownBy(() -> tg.createTask(() -> { ran.set(true); return null; }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is finished");
            assertThat(allTasks()).hasSize(before);
            sleep(Duration.ZERO);
            return null;
        });
        assertThat(ran.get()).isFalse();
    }

    @Test
    void taskgroupFinishedAfterFailure() {
        // No CPython counterpart by this name: a group that ended with a failure is finished too.
        run(() -> {
            AtomicReference<TaskGroup> box = new AtomicReference<>();
            thrown(TaskGroupException.class, () -> TaskGroup.run(g -> {
                box.set(g);
                g.createTask(() -> { throw new MyExc(); });
                return null;
            }));
            assertThatThrownBy(() -> box.get().createTask(() -> null))
                    .isInstanceOf(IllegalStateException.class);
            return null;
        });
    }

    @Test
    void taskgroupShuttingDownInBody() {
        // No CPython counterpart by this name: once a child failed, the body itself cannot add tasks.
        List<String> log = new ArrayList<>();
        run(() -> {
            thrown(TaskGroupException.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> crashAfter(1));
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    try {
                        g.createTask(() -> null);
                    } catch (IllegalStateException ise) {
                        log.add(ise.getMessage().contains("shutting down") ? "refused" : ise.getMessage());
                    }
                    throw e;
                }
                return null;
            }));
            return null;
        });
        assertThat(log).containsExactly("refused");
    }

    @Test
    void taskgroupWithoutParentTask() {
        assertThatThrownBy(() -> TaskGroup.run(g -> null)).isInstanceOf(IllegalStateException.class);
        List<Throwable> errors = new ArrayList<>();
        run(() -> {
            Future<Void> done = getRunningLoop().createFuture();
            getRunningLoop().callSoon(() -> {
                try {
                    TaskGroup.run(g -> null);
                } catch (Throwable e) {
                    errors.add(e);
                }
                done.setResult(null);
            });
            await(done);
            return null;
        });
        assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------ cancel counts

    @Test
    void cancellingLevelPreserved() {
        run(() -> {
            thrown(TaskGroupException.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> { sleep(Duration.ZERO); throw new IllegalStateException("runtime"); });
                return null;
            }));
            assertThat(currentTask().cancelling()).isZero();
            sleep(Duration.ZERO);
            return null;
        });
    }

    @Test
    void nestedGroupsBothCancelled() {
        run(() -> {
            List<Integer> levels = new ArrayList<>();
            TaskGroupException outer = thrown(TaskGroupException.class, () -> TaskGroup.run(outerTg -> {
                TaskGroupException inner = thrown(TaskGroupException.class, () -> TaskGroup.run(innerTg -> {
                    innerTg.createTask(() -> { sleep(Duration.ZERO); throw new IllegalStateException("runtime"); });
                    outerTg.createTask(() -> { sleep(Duration.ZERO); throw new IllegalArgumentException("value"); });
                    return null;
                }));
                assertThat(errorTypes(inner)).containsExactly(IllegalStateException.class);
                levels.add(currentTask().cancelling());
                return null;
            }));
            assertThat(errorTypes(outer)).containsExactly(IllegalArgumentException.class);
            levels.add(currentTask().cancelling());
            assertThat(levels).containsExactly(1, 0);
            return null;
        });
    }

    @Test
    void errorAndCancel() {
        // A child fails and the task running the group is cancelled from outside at the same time:
        // the group reports the failure and keeps the outside cancellation pending, so the next await
        // after the group is cancelled.
        List<String> log = new ArrayList<>();
        run(() -> {
            Future<Void> event = getRunningLoop().createFuture();
            Task<Void> t = createTask(() -> {
                try {
                    TaskGroup.run(tg -> {
                        tg.createTask(() -> {
                            event.setResult(null);
                            sleep(Duration.ZERO);
                            throw new IllegalStateException("runtime");
                        });
                        sleep(Duration.ofSeconds(1));
                        log.add("sleep in group not cancelled");
                        return null;
                    });
                } catch (TaskGroupException e) {
                    log.add("group failed, cancelling=" + currentTask().cancelling());
                }
                log.add("after group, cancelling=" + currentTask().cancelling());
                sleep(Duration.ofSeconds(1));
                log.add("sleep after group not cancelled");
                return null;
            });
            await(event);
            assertThat(t.cancelling()).isZero();
            t.cancel();
            assertThat(t.cancelling()).isEqualTo(1);
            thrown(CancelledError.class, () -> await(t));
            assertThat(t.isCancelled()).isTrue();
            return null;
        });
        assertThat(log).containsExactly("group failed, cancelling=1", "after group, cancelling=1");
    }

    // ------------------------------------------------------------------ eager tasks

    @Test
    void cancelsTaskIfCreatedDuringCreation() {
        // gh-128550 (fixed in CPython 3.12.9 / 3.13.2): with eager tasks, a task that fails while its
        // creator is itself still being created must not get the creator skipped when the group
        // cancels its children.
        for (boolean eager : new boolean[] {false, true}) {
            AtomicBoolean ran = new AtomicBoolean();
            AtomicReference<Throwable> exc = new AtomicReference<>();
            run(() -> {
                getRunningLoop().setEagerTasks(eager);
                try {
                    TaskGroup.run(tg -> {
                        tg.createTask(() -> {
                            tg.createTask(() -> { throw new MyExc("third task failed"); });
                            thrown(CancelledError.class, () -> {
                                sleep(Duration.ZERO); // eager tasks are cancelled here
                                sleep(Duration.ZERO); // lazy tasks here
                            });
                            ran.set(true);
                            return null;
                        });
                        return null;
                    });
                } catch (TaskGroupException eg) {
                    exc.set(eg.exceptions().get(0));
                }
                return null;
            });
            assertThat(ran.get()).as("second task ran to its end (eager=%s)", eager).isTrue();
            assertThat(exc.get()).as("eager=%s", eager).isInstanceOf(MyExc.class);
        }
    }

    @Test
    void cancellationDoesNotLeakOutOfTg() {
        for (boolean eager : new boolean[] {false, true}) {
            List<String> log = new ArrayList<>();
            run(() -> {
                getRunningLoop().setEagerTasks(eager);
                try {
                    TaskGroup.run(tg -> {
                        tg.createTask(() -> { throw new MyExc(); });
                        return null;
                    });
                    fail("should have raised one MyExc in a group");
                } catch (TaskGroupException eg) {
                    assertThat(errorTypes(eg)).containsExactly(MyExc.class);
                }
                assertThat(currentTask().cancelling()).isZero();
                sleep(Duration.ZERO); // a leaked cancellation would surface here
                log.add("not cancelled");
                return null;
            });
            assertThat(log).as("eager=%s", eager).containsExactly("not cancelled");
        }
    }

    @Test
    void eagerChildFailureCancelsLaterSiblings() {
        // No CPython counterpart by this name: with eager tasks, a child that fails at creation still
        // aborts the group: the body is cancelled at its next await and siblings created before are
        // cancelled.
        List<String> log = new ArrayList<>();
        run(() -> {
            getRunningLoop().setEagerTasks(true);
            TaskGroupException eg = thrown(TaskGroupException.class, () -> TaskGroup.run(tg -> {
                Task<Void> sibling = tg.createTask(() -> { sleep(LONG); return null; });
                tg.createTask(() -> { throw new MyExc("eager failure"); });
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    log.add("body cancelled, sibling done=" + sibling.isDone());
                    throw e;
                }
                return null;
            }));
            assertThat(eg.exceptions()).extracting(Throwable::getMessage).containsExactly("eager failure");
            return null;
        });
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).startsWith("body cancelled");
    }

    // ------------------------------------------------------------------ timeouts and groups

    @Test
    void timeoutInsideTaskgroupBody() {
        // No CPython counterpart by this name: a timeout in the body only cancels the body's block;
        // the group's children are not affected and the group ends normally.
        List<String> log = new ArrayList<>();
        run(() -> {
            List<Task<Integer>> ts = TaskGroup.run(g -> {
                Task<Integer> a = g.createTask(() -> { ms(20); return 1; });
                Task<Integer> b = g.createTask(() -> { ms(25); return 2; });
                try {
                    Asyncio.timeout(Duration.ofMillis(5), s -> { sleep(LONG); return null; });
                } catch (TimeoutError e) {
                    log.add("body timed out, children done=" + a.isDone() + "," + b.isDone());
                }
                return List.of(a, b);
            });
            assertThat(ts.get(0).result() + ts.get(1).result()).isEqualTo(3);
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
        assertThat(log).containsExactly("body timed out, children done=false,false");
    }

    @Test
    void timeoutInsideTaskgroupChild() {
        // No CPython counterpart by this name: a child's uncaught TimeoutError is an ordinary failure
        // of the group: siblings and body are cancelled and it is reported.
        List<Task<Void>> sibling = new ArrayList<>();
        run(() -> {
            TaskGroupException eg = thrown(TaskGroupException.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> Asyncio.timeout(Duration.ofMillis(5), s -> { sleep(LONG); return null; }));
                sibling.add(g.createTask(() -> { sleep(LONG); return null; }));
                sleep(LONG);
                return null;
            }));
            assertThat(eg.exceptions()).singleElement().isInstanceOf(TimeoutError.class);
            assertThat(eg.exceptions().get(0).getCause()).isInstanceOf(CancelledError.class);
            return null;
        });
        assertThat(sibling.get(0).isCancelled()).isTrue();
    }

    @Test
    void timeoutAroundGroupBodyCancelledByGroupFirst() {
        // No CPython counterpart by this name: a child fails while the body waits inside a timeout
        // scope that has not expired; the scope passes the group's CancelledError through unchanged
        // and the group reports the failure.
        run(() -> {
            TaskGroupException eg = thrown(TaskGroupException.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> crashAfter(5));
                return Asyncio.timeout(Duration.ofSeconds(5), s -> {
                    try {
                        sleep(LONG);
                    } finally {
                        assertThat(s.expired()).isFalse();
                    }
                    return null;
                });
            }));
            assertThat(errorTypes(eg)).containsExactly(ArithmeticException.class);
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    // ------------------------------------------------------------------ TaskGroup.cancel() (3.15)

    @Test
    void taskgroupCancelFromBody() {
        List<String> log = new ArrayList<>();
        List<Task<Void>> children = new ArrayList<>();
        run(() -> {
            Object v = TaskGroup.run(tg -> {
                for (int i = 0; i < 3; i++) {
                    children.add(tg.createTask(() -> { sleep(LONG); return null; }));
                }
                sleep(Duration.ZERO);
                tg.cancel();
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    log.add("body cancelled");
                    throw e;
                }
                return "not reached";
            });
            log.add("group returned " + v);
            assertThat(currentTask().cancelling()).isZero();
            sleep(Duration.ZERO);
            log.add("not cancelled afterwards");
            return null;
        });
        assertThat(log).containsExactly("body cancelled", "group returned null", "not cancelled afterwards");
        assertThat(children).allMatch(Task::isCancelled);
    }

    @Test
    void taskgroupCancelFromChild() {
        List<String> log = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        run(() -> {
            TaskGroup.run(tg -> {
                tasks.add(tg.createTask(() -> { sleep(LONG); return null; }));
                tasks.add(tg.createTask(() -> {
                    ms(5);
                    tg.cancel();
                    log.add("child called cancel");
                    sleep(Duration.ZERO); // the canceller is a child of the group too
                    log.add("not reached");
                    return null;
                }));
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    log.add("body cancelled");
                    throw e;
                }
                return null;
            });
            log.add("group exited normally");
            return null;
        });
        assertThat(log).containsExactly("child called cancel", "body cancelled", "group exited normally");
        assertThat(tasks).allMatch(Task::isCancelled);
    }

    @Test
    void taskgroupCancelFromOtherTask() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Future<TaskGroup> published = getRunningLoop().createFuture();
            Task<String> owner = createTask(() -> {
                TaskGroup.run(tg -> {
                    tg.createTask(() -> { sleep(LONG); return null; });
                    published.setResult(tg);
                    sleep(LONG);
                    return null;
                });
                return "owner finished normally";
            });
            TaskGroup tg = await(published);
            tg.cancel();
            log.add(await(owner));
            assertThat(owner.isCancelled()).isFalse();
            return null;
        });
        assertThat(log).containsExactly("owner finished normally");
    }

    @Test
    void taskgroupCancelIdempotent() {
        AtomicInteger bodyCancels = new AtomicInteger();
        run(() -> {
            TaskGroup.run(tg -> {
                tg.createTask(() -> { sleep(LONG); return null; });
                tg.cancel();
                tg.cancel();
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    bodyCancels.incrementAndGet();
                    tg.cancel();
                    throw e;
                }
                return null;
            });
            assertThat(currentTask().cancelling()).isZero();
            sleep(Duration.ZERO);
            return null;
        });
        assertThat(bodyCancels.get()).isEqualTo(1);
    }

    @Test
    void taskgroupCancelAfterExitIsNoop() {
        run(() -> {
            TaskGroup tg = TaskGroup.run(g -> {
                g.createTask(() -> { ms(1); return null; });
                return g;
            });
            tg.cancel();
            assertThat(currentTask().cancelling()).isZero();
            sleep(Duration.ZERO);
            ms(1);
            return null;
        });
    }

    @Test
    void taskgroupCancelWhileExiting() {
        // The body has returned and the group waits for its children when cancel() is called: the
        // children are cancelled and run returns the body's value.
        List<Task<Void>> children = new ArrayList<>();
        String v = run(() -> {
            String r = TaskGroup.run(tg -> {
                children.add(tg.createTask(() -> { sleep(LONG); return null; }));
                children.add(tg.createTask(() -> {
                    ms(5);
                    tg.cancel();
                    return null;
                }));
                return "body value";
            });
            assertThat(currentTask().cancelling()).isZero();
            sleep(Duration.ZERO);
            return r;
        });
        assertThat(v).isEqualTo("body value");
        assertThat(children.get(0).isCancelled()).isTrue();
    }

    @Test
    void taskgroupCancelWithOutsideCancellation() {
        // An outside cancel request pending alongside the group's own: the CancelledError propagates.
        run(() -> {
            Task<Void> r = createTask(() -> TaskGroup.run(tg -> {
                tg.createTask(() -> { sleep(LONG); return null; });
                currentTask().cancel("outside");
                tg.cancel();
                sleep(LONG);
                return null;
            }));
            thrown(CancelledError.class, () -> await(r));
            assertThat(r.isCancelled()).isTrue();
            return null;
        });
    }

    @Test
    void taskgroupCancelChildErrorStillRaised() {
        // A child failing while the group is being cancelled is still reported.
        run(() -> {
            TaskGroupException eg = thrown(TaskGroupException.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    try {
                        sleep(LONG);
                    } finally {
                        if (true) {
                            throw new MyExc("cleanup failed");
                        }
                    }
                    return null;
                });
                sleep(Duration.ZERO);
                tg.cancel();
                sleep(LONG);
                return null;
            }));
            assertThat(eg.exceptions()).extracting(Throwable::getMessage).containsExactly("cleanup failed");
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    @Test
    void taskgroupCancelRefusesNewTasks() {
        List<String> log = new ArrayList<>();
        run(() -> TaskGroup.run(tg -> {
            tg.cancel();
            try {
                tg.createTask(() -> null);
            } catch (IllegalStateException e) {
                log.add("refused: " + e.getMessage().contains("shutting down"));
            }
            return null;
        }));
        assertThat(log).containsExactly("refused: true");
    }

    @Test
    void taskgroupCancelInnerDoesNotCancelOuter() {
        List<String> log = new ArrayList<>();
        run(() -> TaskGroup.run(outer -> {
            Task<String> outerChild = outer.createTask(() -> { ms(10); return "outer child done"; });
            TaskGroup.run(inner -> {
                inner.createTask(() -> { sleep(LONG); return null; });
                inner.cancel();
                sleep(LONG);
                return null;
            });
            log.add("inner group exited");
            ms(1);
            log.add("outer body continues");
            await(outerChild);
            log.add(outerChild.result());
            return null;
        }));
        assertThat(log).containsExactly("inner group exited", "outer body continues", "outer child done");
    }
}
