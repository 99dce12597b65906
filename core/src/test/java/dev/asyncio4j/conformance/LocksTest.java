/*
 * Ports of CPython's Lib/test/test_asyncio/test_locks.py (the 3.13 version: python/cpython at
 * 97ac8662af77033354a9e9b747d5e80fa2df664c, plus the cases added for 3.13 — the Condition
 * cancellation cases of GH-111693/GH-112202 and Semaphore's test_acquire_fifo_order_4 of gh-90155)
 * to asyncio4j's public API. One nested class per Python test class, original method names in
 * camelCase. Where a Python assertion reads a private field (lock._waiters, sem._value) the port
 * reads the same number from statistics(). Cases that test Python-only syntax (awaiting a lock
 * object, the removed loop= parameter, "with await lock") are omitted; see the class comment.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Barrier;
import dev.asyncio4j.BoundedSemaphore;
import dev.asyncio4j.BrokenBarrierError;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Condition;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.Event;
import dev.asyncio4j.Future;
import dev.asyncio4j.Lock;
import dev.asyncio4j.Permit;
import dev.asyncio4j.ReturnWhen;
import dev.asyncio4j.Semaphore;
import dev.asyncio4j.Task;
import dev.asyncio4j.TaskGroup;
import dev.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * test_locks.py, ported. Omitted as not applicable to Java: {@code test_lock},
 * {@code test_semaphore}'s and {@code test_barrier}'s "object can't be awaited" checks and
 * {@code test_lock_by_with_statement} (the compiler rejects those programs),
 * {@code test_lock_doesnt_accept_loop_parameter} (no such parameter exists to reject).
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class LocksTest {
    /** The shape of every primitive's toString(), after test_locks.RGX_REPR. */
    static final Pattern REPR = Pattern.compile(
            "^<(?<class>\\w+)@(?<address>[0-9a-f]+) \\[(?<extras>"
                    + "(set|unset|locked|unlocked|filling|draining|resetting|broken)"
                    + "(, value:\\d)?"
                    + "(, waiters:\\d+)?"
                    + "(, waiters:\\d+/\\d+)?"
                    + ")]>$");

    static void run(Coroutine<?> body) {
        Asyncio.run(body);
    }

    static void yieldOnce() {
        sleep(Duration.ZERO);
    }

    static Coroutine<Boolean> acquireAndRecord(Lock lock, List<Integer> result, int n) {
        return () -> {
            lock.acquire();
            result.add(n);
            return true;
        };
    }

    @Nested
    class LockTests {
        @Test
        void testRepr() {
            run(() -> {
                Lock lock = new Lock();
                assertThat(lock.toString()).endsWith("[unlocked]>").matches(REPR);
                lock.acquire();
                assertThat(lock.toString()).endsWith("[locked]>").matches(REPR);
                return null;
            });
        }

        @Test
        void testAcquire() {
            run(() -> {
                Lock lock = new Lock();
                List<Integer> result = new ArrayList<>();
                assertThat(lock.acquire()).isNotNull();

                Task<Boolean> t1 = createTask(acquireAndRecord(lock, result, 1));
                Task<Boolean> t2 = createTask(acquireAndRecord(lock, result, 2));

                yieldOnce();
                assertThat(result).isEmpty();

                lock.release();
                yieldOnce();
                assertThat(result).containsExactly(1);

                yieldOnce();
                assertThat(result).containsExactly(1);

                Task<Boolean> t3 = createTask(acquireAndRecord(lock, result, 3));

                lock.release();
                yieldOnce();
                assertThat(result).containsExactly(1, 2);

                lock.release();
                yieldOnce();
                assertThat(result).containsExactly(1, 2, 3);

                assertThat(t1.isDone() && t1.result()).isTrue();
                assertThat(t2.isDone() && t2.result()).isTrue();
                assertThat(t3.isDone() && t3.result()).isTrue();
                return null;
            });
        }

        @Test
        void testAcquireCancel() {
            run(() -> {
                Lock lock = new Lock();
                lock.acquire();

                Task<Permit> task = createTask(lock::acquire);
                getRunningLoop().callSoon(() -> task.cancel());
                assertThatThrownBy(() -> await(task)).isInstanceOf(CancelledError.class);
                assertThat(lock.statistics().waiters()).isZero();
                return null;
            });
        }

        @Test
        void testCancelRace() {
            // A holds the lock, B and C wait; B is cancelled while A releases. Release must skip
            // B's cancelled waiter and C must get the lock.
            run(() -> {
                Lock lock = new Lock();

                class LockIt implements Coroutine<Void> {
                    final Future<Void> blocker;

                    LockIt(Future<Void> blocker) {
                        this.blocker = blocker;
                    }

                    @Override
                    public Void call() {
                        lock.acquire();
                        try {
                            if (blocker != null) {
                                await(blocker);
                            }
                        } finally {
                            lock.release();
                        }
                        return null;
                    }
                }

                Future<Void> fa = getRunningLoop().createFuture();
                Task<Void> ta = createTask(new LockIt(fa));
                yieldOnce();
                assertThat(lock.isLocked()).isTrue();
                Task<Void> tb = createTask(new LockIt(null));
                yieldOnce();
                assertThat(lock.statistics().waiters()).isEqualTo(1);
                Task<Void> tc = createTask(new LockIt(null));
                yieldOnce();
                assertThat(lock.statistics().waiters()).isEqualTo(2);

                fa.setResult(null);
                tb.cancel();
                yieldOnce();
                assertThat(lock.isLocked()).isFalse();
                assertThat(ta.isDone()).isTrue();
                assertThat(tb.isCancelled()).isTrue();
                await(tc);
                return null;
            });
        }

        @Test
        void testCancelReleaseRace() {
            // bpo-32734: acquire, queue three, cancel the first waiter and release at once: exactly
            // one of the others may take the lock.
            run(() -> {
                Lock lock = new Lock();
                int[] lockCount = {0};
                int[] callCount = {0};
                Coroutine<Void> lockit = () -> {
                    callCount[0]++;
                    lock.acquire();
                    lockCount[0]++;
                    return null;
                };

                lock.acquire();
                Task<Void> t1 = createTask(lockit);
                Task<Void> t2 = createTask(lockit);
                Task<Void> t3 = createTask(lockit);
                yieldOnce();

                getRunningLoop().callSoon(() -> {
                    t1.cancel();
                    lock.release();
                });
                assertThatThrownBy(() -> await(t1)).isInstanceOf(CancelledError.class);

                assertThat(lockCount[0]).isEqualTo(1);
                assertThat(callCount[0]).isEqualTo(3);
                assertThat(t1.isCancelled() && t2.isDone()).isTrue();

                t3.cancel();
                yieldOnce();
                assertThat(t3.isCancelled()).isTrue();
                return null;
            });
        }

        @Test
        void testFinishedWaiterCancelled() {
            run(() -> {
                Lock lock = new Lock();
                lock.acquire();
                assertThat(lock.isLocked()).isTrue();

                Task<Permit> tb = createTask(lock::acquire);
                yieldOnce();
                assertThat(lock.statistics().waiters()).isEqualTo(1);

                // A second waiter; wake up the first and cancel it. The second must get the lock.
                Task<Permit> tc = createTask(lock::acquire);
                tb.cancel();
                lock.release();
                yieldOnce();

                assertThat(lock.isLocked()).isTrue();
                assertThat(tb.isCancelled()).isTrue();
                await(tc);
                return null;
            });
        }

        @Test
        void testReleaseNotAcquired() {
            run(() -> {
                Lock lock = new Lock();
                assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class)
                        .hasMessage("Lock is not acquired.");
                return null;
            });
        }

        @Test
        void testReleaseNoWaiters() {
            run(() -> {
                Lock lock = new Lock();
                lock.acquire();
                assertThat(lock.isLocked()).isTrue();
                lock.release();
                assertThat(lock.isLocked()).isFalse();
                return null;
            });
        }

        @Test
        void testContextManager() {
            run(() -> {
                Lock lock = new Lock();
                assertThat(lock.isLocked()).isFalse();
                try (Permit held = lock.acquire()) {
                    assertThat(lock.isLocked()).isTrue();
                }
                assertThat(lock.isLocked()).isFalse();
                return null;
            });
        }
    }

    @Nested
    class EventTests {
        @Test
        void testRepr() {
            Event ev = new Event();
            assertThat(ev.toString()).endsWith("[unset]>").matches(REPR);
            ev.set();
            assertThat(ev.toString()).endsWith("[set]>").matches(REPR);
            run(() -> {
                Event e = new Event();
                createTask(() -> {
                    e.await();
                    return null;
                });
                yieldOnce();
                assertThat(e.toString()).contains("waiters:1").matches(REPR);
                e.set();
                return null;
            });
        }

        @Test
        void testWait() {
            run(() -> {
                Event ev = new Event();
                assertThat(ev.isSet()).isFalse();
                List<Integer> result = new ArrayList<>();
                Task<Void> t1 = createTask(() -> {
                    ev.await();
                    result.add(1);
                    return null;
                });
                Task<Void> t2 = createTask(() -> {
                    ev.await();
                    result.add(2);
                    return null;
                });

                yieldOnce();
                assertThat(result).isEmpty();

                Task<Void> t3 = createTask(() -> {
                    ev.await();
                    result.add(3);
                    return null;
                });

                ev.set();
                yieldOnce();
                assertThat(result).containsExactly(3, 1, 2);

                assertThat(t1.isDone()).isTrue();
                assertThat(t1.result()).isNull();
                assertThat(t2.isDone()).isTrue();
                assertThat(t3.isDone()).isTrue();
                return null;
            });
        }

        @Test
        void testWaitOnSet() {
            run(() -> {
                Event ev = new Event();
                ev.set();
                ev.await();
                assertThat(ev.statistics().waiters()).isZero();
                return null;
            });
        }

        @Test
        void testWaitCancel() {
            run(() -> {
                Event ev = new Event();
                Task<Void> wait = createTask(() -> {
                    ev.await();
                    return null;
                });
                getRunningLoop().callSoon(() -> wait.cancel());
                assertThatThrownBy(() -> await(wait)).isInstanceOf(CancelledError.class);
                assertThat(ev.statistics().waiters()).isZero();
                return null;
            });
        }

        @Test
        void testClear() {
            run(() -> {
                Event ev = new Event();
                assertThat(ev.isSet()).isFalse();
                ev.set();
                assertThat(ev.isSet()).isTrue();
                ev.clear();
                assertThat(ev.isSet()).isFalse();
                return null;
            });
        }

        @Test
        void testClearWithWaiters() {
            run(() -> {
                Event ev = new Event();
                List<Integer> result = new ArrayList<>();
                Task<Boolean> t = createTask(() -> {
                    ev.await();
                    result.add(1);
                    return true;
                });
                yieldOnce();
                assertThat(result).isEmpty();

                ev.set();
                ev.clear();
                assertThat(ev.isSet()).isFalse();

                ev.set();
                ev.set();
                assertThat(ev.statistics().waiters()).isEqualTo(1);

                yieldOnce();
                assertThat(result).containsExactly(1);
                assertThat(ev.statistics().waiters()).isZero();
                assertThat(t.isDone() && t.result()).isTrue();
                return null;
            });
        }
    }

    @Nested
    class ConditionTests {
        private Coroutine<Boolean> waitAndRecord(Condition cond, List<Integer> result, int n, boolean release) {
            return () -> {
                cond.acquire();
                cond.await();
                result.add(n);
                if (release) {
                    cond.release();
                }
                return true;
            };
        }

        @Test
        void testWait() {
            run(() -> {
                Condition cond = new Condition();
                List<Integer> result = new ArrayList<>();
                Task<Boolean> t1 = createTask(waitAndRecord(cond, result, 1, false));
                Task<Boolean> t2 = createTask(waitAndRecord(cond, result, 2, false));
                Task<Boolean> t3 = createTask(waitAndRecord(cond, result, 3, false));

                yieldOnce();
                assertThat(result).isEmpty();
                assertThat(cond.isLocked()).isFalse();

                assertThat(cond.acquire()).isNotNull();
                cond.signal();
                yieldOnce();
                assertThat(result).isEmpty();
                assertThat(cond.isLocked()).isTrue();

                cond.release();
                yieldOnce();
                assertThat(result).containsExactly(1);
                assertThat(cond.isLocked()).isTrue();

                cond.signal(2);
                yieldOnce();
                assertThat(result).containsExactly(1);
                assertThat(cond.isLocked()).isTrue();

                cond.release();
                yieldOnce();
                assertThat(result).containsExactly(1, 2);
                assertThat(cond.isLocked()).isTrue();

                cond.release();
                yieldOnce();
                assertThat(result).containsExactly(1, 2, 3);
                assertThat(cond.isLocked()).isTrue();

                assertThat(t1.isDone() && t1.result()).isTrue();
                assertThat(t2.isDone() && t2.result()).isTrue();
                assertThat(t3.isDone() && t3.result()).isTrue();
                return null;
            });
        }

        @Test
        void testWaitCancel() {
            run(() -> {
                Condition cond = new Condition();
                cond.acquire();
                Task<Void> wait = createTask(() -> {
                    cond.await();
                    return null;
                });
                getRunningLoop().callSoon(() -> wait.cancel());
                assertThatThrownBy(() -> await(wait)).isInstanceOf(CancelledError.class);
                assertThat(cond.statistics().waiters()).isZero();
                assertThat(cond.isLocked()).isTrue();
                return null;
            });
        }

        @Test
        void testWaitCancelContested() {
            run(() -> {
                Condition cond = new Condition();
                cond.acquire();
                assertThat(cond.isLocked()).isTrue();

                Task<Void> waitTask = createTask(() -> {
                    cond.await();
                    return null;
                });
                yieldOnce();
                assertThat(cond.isLocked()).isFalse();

                // Notify, but contest the lock before cancelling.
                cond.acquire();
                assertThat(cond.isLocked()).isTrue();
                cond.signal();
                getRunningLoop().callSoon(() -> waitTask.cancel());
                getRunningLoop().callSoon(cond::release);
                try {
                    await(waitTask);
                } catch (CancelledError e) {
                    // allowed: the cancellation hit the re-acquire
                }
                assertThat(cond.isLocked()).isTrue();
                return null;
            });
        }

        @Test
        void testWaitCancelAfterNotify() {
            // bpo-32841
            run(() -> {
                boolean[] waited = {false};
                Condition cond = new Condition();
                Task<Void> waiter = createTask(() -> {
                    try (Permit held = cond.acquire()) {
                        waited[0] = true;
                        cond.await();
                    }
                    return null;
                });
                yieldOnce(); // start waiting

                cond.acquire();
                cond.signal();
                yieldOnce(); // get to acquire()
                waiter.cancel();
                yieldOnce(); // activate cancellation
                cond.release();
                yieldOnce(); // cancellation should occur

                assertThat(waiter.isCancelled()).isTrue();
                assertThat(waited[0]).isTrue();
                return null;
            });
        }

        @Test
        void testWaitUnacquired() {
            run(() -> {
                Condition cond = new Condition();
                assertThatThrownBy(cond::await).isInstanceOf(IllegalStateException.class)
                        .hasMessage("cannot wait on un-acquired lock");
                return null;
            });
        }

        @Test
        void testWaitFor() {
            run(() -> {
                Condition cond = new Condition();
                boolean[] presult = {false};
                List<Integer> result = new ArrayList<>();
                Task<Boolean> t = createTask(() -> {
                    cond.acquire();
                    cond.waitFor(() -> presult[0]);
                    result.add(1);
                    cond.release();
                    return true;
                });

                yieldOnce();
                assertThat(result).isEmpty();

                cond.acquire();
                cond.signal();
                cond.release();
                yieldOnce();
                assertThat(result).isEmpty();

                presult[0] = true;
                cond.acquire();
                cond.signal();
                cond.release();
                yieldOnce();
                assertThat(result).containsExactly(1);

                assertThat(t.isDone() && t.result()).isTrue();
                return null;
            });
        }

        @Test
        void testWaitForUnacquired() {
            run(() -> {
                Condition cond = new Condition();
                // the predicate can be true at once: no lock needed
                cond.waitFor(() -> true);
                assertThatThrownBy(() -> cond.waitFor(() -> false)).isInstanceOf(IllegalStateException.class);
                return null;
            });
        }

        @Test
        void testNotify() {
            run(() -> {
                Condition cond = new Condition();
                List<Integer> result = new ArrayList<>();
                Task<Boolean> t1 = createTask(waitAndRecord(cond, result, 1, true));
                Task<Boolean> t2 = createTask(waitAndRecord(cond, result, 2, true));
                Task<Boolean> t3 = createTask(waitAndRecord(cond, result, 3, true));

                yieldOnce();
                assertThat(result).isEmpty();

                cond.acquire();
                cond.signal(1);
                cond.release();
                yieldOnce();
                assertThat(result).containsExactly(1);

                cond.acquire();
                cond.signal(1);
                cond.signal(2048);
                cond.release();
                yieldOnce();
                assertThat(result).containsExactly(1, 2, 3);

                assertThat(t1.isDone() && t2.isDone() && t3.isDone()).isTrue();
                assertThat(List.of(t1.result(), t2.result(), t3.result())).containsOnly(true);
                return null;
            });
        }

        @Test
        void testNotifyAll() {
            run(() -> {
                Condition cond = new Condition();
                List<Integer> result = new ArrayList<>();
                Task<Boolean> t1 = createTask(waitAndRecord(cond, result, 1, true));
                Task<Boolean> t2 = createTask(waitAndRecord(cond, result, 2, true));

                yieldOnce();
                assertThat(result).isEmpty();

                cond.acquire();
                cond.signalAll();
                cond.release();
                yieldOnce();
                assertThat(result).containsExactly(1, 2);
                assertThat(t1.isDone() && t1.result() && t2.isDone() && t2.result()).isTrue();
                return null;
            });
        }

        @Test
        void testNotifyUnacquired() {
            Condition cond = new Condition();
            assertThatThrownBy(cond::signal).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot notify on un-acquired lock");
        }

        @Test
        void testNotifyAllUnacquired() {
            Condition cond = new Condition();
            assertThatThrownBy(cond::signalAll).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot notify on un-acquired lock");
        }

        @Test
        void testRepr() {
            run(() -> {
                Condition cond = new Condition();
                assertThat(cond.toString()).contains("unlocked").matches(REPR);
                cond.acquire();
                assertThat(cond.toString()).contains("locked");

                List<Task<Void>> waiters = new ArrayList<>();
                for (int i = 1; i <= 2; i++) {
                    waiters.add(createTask(() -> {
                        cond.acquire();
                        cond.await();
                        cond.release();
                        return null;
                    }));
                    cond.release();
                    yieldOnce();
                    cond.acquire();
                    assertThat(cond.toString()).contains("waiters:" + i).matches(REPR);
                }
                cond.signalAll();
                cond.release();
                await(gather(waiters));
                return null;
            });
        }

        @Test
        void testContextManager() {
            run(() -> {
                Condition cond = new Condition();
                assertThat(cond.isLocked()).isFalse();
                try (Permit held = cond.acquire()) {
                    assertThat(cond.isLocked()).isTrue();
                }
                assertThat(cond.isLocked()).isFalse();
                return null;
            });
        }

        @Test
        void testExplicitLock() {
            run(() -> {
                class F {
                    void f(Lock lock, Condition cond) {
                        if (lock == null) {
                            lock = new Lock();
                        }
                        if (cond == null) {
                            cond = new Condition(lock);
                        }
                        assertThat(cond.statistics().lock()).isEqualTo(lock.statistics());
                        assertThat(lock.isLocked()).isFalse();
                        assertThat(cond.isLocked()).isFalse();
                        try (Permit held = cond.acquire()) {
                            assertThat(lock.isLocked()).isTrue();
                            assertThat(cond.isLocked()).isTrue();
                        }
                        assertThat(lock.isLocked()).isFalse();
                        assertThat(cond.isLocked()).isFalse();
                        try (Permit held = lock.acquire()) {
                            assertThat(lock.isLocked()).isTrue();
                            assertThat(cond.isLocked()).isTrue();
                        }
                        assertThat(lock.isLocked()).isFalse();
                        assertThat(cond.isLocked()).isFalse();
                    }
                }
                // All should work in the same way.
                new F().f(null, null);
                new F().f(new Lock(), null);
                Lock lock = new Lock();
                new F().f(lock, new Condition(lock));
                return null;
            });
        }

        @Test
        void testAmbiguousLoops() {
            // Adapted: asyncio4j binds a primitive on first use rather than first contention, so
            // the foreign loop is reported by the first acquire, not by a later wait.
            Lock lock = new Lock();
            run(() -> lock.withLock(() -> null)); // binds the lock to this first loop
            run(() -> {
                Condition cond = new Condition(lock);
                assertThatThrownBy(cond::acquire).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("is bound to a different event loop");
                return null;
            });

            Condition cond = new Condition();
            run(() -> cond.withLock(() -> {
                cond.signal();
                return null;
            }));
            run(() -> {
                assertThatThrownBy(cond::await).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("is bound to a different event loop");
                return null;
            });
        }

        @Test
        void testTimeoutInBlock() {
            run(() -> {
                Condition condition = new Condition();
                try (Permit held = condition.acquire()) {
                    assertThatThrownBy(() -> Asyncio.timeout(Duration.ofMillis(20), scope -> {
                        condition.await();
                        return null;
                    })).isInstanceOf(TimeoutError.class);
                    assertThat(condition.isLocked()).isTrue();
                }
                return null;
            });
        }

        @Test
        void testCancelledErrorWakeup() {
            // A CancelledError received while awaiting the wake-up is rethrown unchanged.
            run(() -> {
                boolean[] wake = {false};
                CancelledError[] raised = {null};
                Condition cond = new Condition();
                Task<Void> task = createTask(() -> {
                    try (Permit held = cond.acquire()) {
                        try {
                            cond.waitFor(() -> wake[0]);
                        } catch (CancelledError e) {
                            raised[0] = e;
                            throw e;
                        }
                    }
                    return null;
                });
                yieldOnce();
                // the task waits on the condition; cancel it there
                task.cancel("foo");
                CancelledError err = catchThrowableOfType(CancelledError.class, () -> await(task));
                assertThat(err).hasMessage("foo");
                assertThat(err).isSameAs(raised[0]);
                return null;
            });
        }

        @Test
        void testCancelledErrorReAquire() {
            // A CancelledError received while re-acquiring the lock is rethrown unchanged.
            run(() -> {
                boolean[] wake = {false};
                CancelledError[] raised = {null};
                Condition cond = new Condition();
                Task<Void> task = createTask(() -> {
                    try (Permit held = cond.acquire()) {
                        try {
                            cond.waitFor(() -> wake[0]);
                        } catch (CancelledError e) {
                            raised[0] = e;
                            throw e;
                        }
                    }
                    return null;
                });
                yieldOnce();
                cond.acquire();
                wake[0] = true;
                cond.signal();
                yieldOnce();
                // the task now tries to re-acquire the lock; cancel it there
                task.cancel("foo");
                cond.release();
                CancelledError err = catchThrowableOfType(CancelledError.class, () -> await(task));
                assertThat(err).hasMessage("foo");
                assertThat(err).isSameAs(raised[0]);
                return null;
            });
        }

        private Coroutine<Void> consumer(Condition condition, int[] state) {
            return () -> {
                try (Permit held = condition.acquire()) {
                    while (true) {
                        condition.waitFor(() -> state[0] != 0);
                        if (state[0] < 0) {
                            return null;
                        }
                        state[0]--;
                    }
                }
            };
        }

        @Test
        void testCancelledWakeup() {
            // A task cancelled while its wake-up is pending must not lose the notify.
            run(() -> {
                Condition condition = new Condition();
                int[] state = {0};
                List<Task<Void>> c = List.of(createTask(consumer(condition, state)), createTask(consumer(condition, state)));
                yieldOnce();
                try (Permit held = condition.acquire()) {
                    state[0]++;
                    condition.signal(1);
                    c.get(0).cancel();
                    try {
                        Asyncio.timeout(Duration.ofMillis(10), scope -> {
                            condition.waitFor(() -> state[0] == 0);
                            return null;
                        });
                    } catch (TimeoutError e) {
                        // checked below
                    }
                    assertThat(state[0]).isZero();
                    state[0] = -1;
                    condition.signalAll();
                }
                await(c.get(1));
                assertThat(c.get(0).isCancelled()).isTrue();
                return null;
            });
        }

        @Test
        void testCancelledWakeupRelock() {
            // Same, with the cancellation arriving while the woken task re-acquires the lock.
            run(() -> {
                Condition condition = new Condition();
                int[] state = {0};
                List<Task<Void>> c = List.of(createTask(consumer(condition, state)), createTask(consumer(condition, state)));
                yieldOnce();
                try (Permit held = condition.acquire()) {
                    state[0]++;
                    condition.signal(1);
                    yieldOnce(); // the woken task settles on re-acquiring the lock
                    c.get(0).cancel();
                    try {
                        Asyncio.timeout(Duration.ofMillis(10), scope -> {
                            condition.waitFor(() -> state[0] == 0);
                            return null;
                        });
                    } catch (TimeoutError e) {
                        // checked below
                    }
                    assertThat(state[0]).isZero();
                    state[0] = -1;
                    condition.signalAll();
                }
                await(c.get(1));
                assertThat(c.get(0).isCancelled()).isTrue();
                return null;
            });
        }
    }

    @Nested
    class SemaphoreTests {
        private Coroutine<Boolean> acquireAndRecord(Semaphore sem, List<Integer> result, int n) {
            return () -> {
                sem.acquire();
                result.add(n);
                return true;
            };
        }

        @Test
        void testInitialValueZero() {
            Semaphore sem = new Semaphore(0);
            assertThat(sem.isLocked()).isTrue();
        }

        @Test
        void testRepr() {
            run(() -> {
                Semaphore sem = new Semaphore();
                assertThat(sem.toString()).endsWith("[unlocked, value:1]>").matches(REPR);
                sem.acquire();
                assertThat(sem.toString()).endsWith("[locked]>").doesNotContain("waiters").matches(REPR);

                Task<Permit> w1 = createTask(sem::acquire);
                yieldOnce();
                assertThat(sem.toString()).contains("waiters:1").matches(REPR);
                Task<Permit> w2 = createTask(sem::acquire);
                yieldOnce();
                assertThat(sem.toString()).contains("waiters:2").matches(REPR);
                sem.release();
                sem.release();
                await(gather(w1, w2));
                return null;
            });
        }

        @Test
        void testSemaphore() {
            Semaphore sem = new Semaphore();
            assertThat(sem.statistics().value()).isEqualTo(1);
            assertThat(sem.isLocked()).isFalse();
        }

        @Test
        void testSemaphoreValue() {
            assertThatThrownBy(() -> new Semaphore(-1)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void testAcquire() {
            run(() -> {
                Semaphore sem = new Semaphore(3);
                List<Integer> result = new ArrayList<>();

                assertThat(sem.acquire()).isNotNull();
                assertThat(sem.acquire()).isNotNull();
                assertThat(sem.isLocked()).isFalse();

                Task<Boolean> t1 = createTask(acquireAndRecord(sem, result, 1));
                Task<Boolean> t2 = createTask(acquireAndRecord(sem, result, 2));
                Task<Boolean> t3 = createTask(acquireAndRecord(sem, result, 3));

                yieldOnce();
                assertThat(result).containsExactly(1);
                assertThat(sem.isLocked()).isTrue();
                assertThat(sem.statistics().waiters()).isEqualTo(2);
                assertThat(sem.statistics().value()).isZero();

                Task<Boolean> t4 = createTask(acquireAndRecord(sem, result, 4));

                sem.release();
                sem.release();
                assertThat(sem.statistics().value()).isZero();

                yieldOnce();
                assertThat(sem.statistics().value()).isZero();
                assertThat(result).hasSize(3);
                assertThat(sem.isLocked()).isTrue();
                assertThat(sem.statistics().waiters()).isEqualTo(1);

                assertThat(t1.isDone() && t1.result()).isTrue();
                List<Task<Boolean>> raceTasks = List.of(t2, t3, t4);
                assertThat(raceTasks.stream().filter(t -> t.isDone() && t.result()).count()).isEqualTo(2);

                // clean up the locked semaphore
                sem.release();
                await(gather(raceTasks));
                return null;
            });
        }

        @Test
        void testAcquireCancel() {
            run(() -> {
                Semaphore sem = new Semaphore();
                sem.acquire();
                Task<Permit> acquire = createTask(sem::acquire);
                getRunningLoop().callSoon(() -> acquire.cancel());
                assertThatThrownBy(() -> await(acquire)).isInstanceOf(CancelledError.class);
                assertThat(sem.statistics().waiters()).isZero();
                return null;
            });
        }

        @Test
        void testAcquireCancelBeforeAwoken() {
            run(() -> {
                Semaphore sem = new Semaphore(0);
                Task<Permit> t1 = createTask(sem::acquire);
                Task<Permit> t2 = createTask(sem::acquire);
                Task<Permit> t3 = createTask(sem::acquire);
                Task<Permit> t4 = createTask(sem::acquire);
                yieldOnce();

                t1.cancel();
                t2.cancel();
                sem.release();

                yieldOnce();
                yieldOnce();
                assertThat(List.of(t3, t4).stream().filter(Task::isDone).count()).isEqualTo(1);
                assertThat(t3.isDone()).isTrue();
                assertThat(t4.isDone()).isFalse();

                t3.cancel();
                t4.cancel();
                yieldOnce();
                assertThat(t4.isCancelled()).isTrue();
                return null;
            });
        }

        @Test
        void testAcquireHang() {
            run(() -> {
                Semaphore sem = new Semaphore(0);
                Task<Permit> t1 = createTask(sem::acquire);
                Task<Permit> t2 = createTask(sem::acquire);
                yieldOnce();

                t1.cancel();
                sem.release();
                yieldOnce();
                yieldOnce();
                assertThat(sem.isLocked()).isTrue();
                assertThat(t2.isDone()).isTrue();
                return null;
            });
        }

        @Test
        void testAcquireNoHang() {
            run(() -> {
                Semaphore sem = new Semaphore(1);
                List<Task<Void>> tasks = new ArrayList<>();
                Task<Void> t1 = createTask(() -> {
                    try (Permit p = sem.acquire()) {
                        yieldOnce();
                    }
                    tasks.get(1).cancel();
                    return null;
                });
                Task<Void> t2 = createTask(() -> {
                    try (Permit p = sem.acquire()) {
                        throw new AssertionError("c2 must not get the semaphore");
                    }
                });
                tasks.add(t1);
                tasks.add(t2);

                List<Object> r = await(gather(true, t1, t2));
                assertThat(r.get(0)).isNull();
                assertThat(r.get(1)).isInstanceOf(CancelledError.class);

                Asyncio.timeout(Duration.ofSeconds(1), scope -> sem.acquire());
                return null;
            });
        }

        @Test
        void testReleaseNotAcquired() {
            BoundedSemaphore sem = new BoundedSemaphore();
            assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class)
                    .hasMessage("BoundedSemaphore released too many times");
        }

        @Test
        void testReleaseNoWaiters() {
            run(() -> {
                Semaphore sem = new Semaphore();
                sem.acquire();
                assertThat(sem.isLocked()).isTrue();
                sem.release();
                assertThat(sem.isLocked()).isFalse();
                return null;
            });
        }

        @Test
        void testAcquireFifoOrder() {
            run(() -> {
                Semaphore sem = new Semaphore(1);
                List<String> result = Collections.synchronizedList(new ArrayList<>());
                TaskGroup.run(tg -> {
                    for (String tag : List.of("c1", "c2", "c3")) {
                        tg.createTask(() -> {
                            sem.acquire();
                            result.add(tag + "_1");
                            sleep(Duration.ofMillis(10));
                            sem.release();

                            sem.acquire();
                            result.add(tag + "_2");
                            sleep(Duration.ofMillis(10));
                            sem.release();
                            return null;
                        });
                    }
                    return null;
                });
                assertThat(result).containsExactly("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2");
                return null;
            });
        }

        @Test
        void testAcquireFifoOrder2() {
            run(() -> {
                Semaphore sem = new Semaphore(1);
                List<Integer> result = new ArrayList<>();
                Task<Boolean> t1 = createTask(() -> {
                    sem.acquire();
                    result.add(1);
                    return true;
                });
                Task<Boolean> t2 = createTask(() -> {
                    sem.acquire();
                    result.add(2);
                    sem.release();
                    sem.acquire();
                    result.add(4);
                    return true;
                });
                Task<Boolean> t3 = createTask(() -> {
                    sem.acquire();
                    result.add(3);
                    return true;
                });
                yieldOnce();
                sem.release();
                sem.release();
                await(gather(t1, t2, t3));
                assertThat(result).containsExactly(1, 2, 3, 4);
                return null;
            });
        }

        @Test
        void testAcquireFifoOrder3() {
            run(() -> {
                Semaphore sem = new Semaphore(0);
                List<Integer> result = new ArrayList<>();
                Task<Boolean> t1 = createTask(acquireAndRecord(sem, result, 1));
                Task<Boolean> t2 = createTask(acquireAndRecord(sem, result, 2));
                Task<Boolean> t3 = createTask(acquireAndRecord(sem, result, 3));
                yieldOnce();
                t1.cancel();
                yieldOnce();
                sem.release();
                sem.release();
                await(gather(true, t1, t2, t3));
                assertThat(result).containsExactly(2, 3);
                return null;
            });
        }

        @Test
        void testAcquireFifoOrder4() {
            // A successful acquire() wakes the further tasks that FIFO rules kept waiting.
            run(() -> {
                Semaphore sem = new Semaphore(0);
                List<Integer> result = new ArrayList<>();
                List<Task<Boolean>> t4 = new ArrayList<>();
                Coroutine<Boolean> c4 = () -> {
                    result.add(4);
                    return true;
                };
                Task<Boolean> t1 = createTask(() -> {
                    // waits at once; woken by c2
                    assertThat(sem.statistics().value()).isZero();
                    sem.acquire();
                    // it has woken the other waiters now
                    assertThat(sem.statistics().value()).isZero();
                    // a fourth task, which must run after c3, not c2
                    t4.add(createTask(c4));
                    result.add(1);
                    return true;
                });
                Task<Boolean> t2 = createTask(() -> {
                    // releases three times, for c1, c2 and c3
                    sem.release();
                    sem.release();
                    sem.release();
                    assertThat(sem.statistics().value()).isEqualTo(2);
                    // locked, because c1 has not woken up yet
                    assertThat(sem.isLocked()).isTrue();
                    sem.acquire();
                    result.add(2);
                    return true;
                });
                Task<Boolean> t3 = createTask(() -> {
                    sem.acquire();
                    assertThat(sem.isLocked()).isTrue();
                    result.add(3);
                    return true;
                });

                yieldOnce();
                // three tasks are queued; the first has not woken up yet
                assertThat(sem.statistics().value()).isEqualTo(2);
                assertThat(sem.statistics().waiters()).isEqualTo(3);
                yieldOnce();

                await(gather(t1, t2, t3, t4.get(0)));
                assertThat(result).containsExactly(1, 2, 3, 4);
                return null;
            });
        }
    }

    @Nested
    class BarrierTests {
        static final int N = 5;

        private <T> List<Task<T>> makeTasks(int n, Coroutine<T> coro) {
            List<Task<T>> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                tasks.add(createTask(coro));
            }
            return tasks;
        }

        private <T> List<T> gatherTasks(int n, Coroutine<T> coro) {
            return await(gather(makeTasks(n, coro)));
        }

        @Test
        void testBarrier() {
            Barrier barrier = new Barrier(N);
            assertThat(barrier.toString()).contains("filling");
            assertThat(barrier.statistics()).isEqualTo(new Barrier.Statistics(N, 0, Barrier.State.FILLING));
        }

        @Test
        void testRepr() {
            run(() -> {
                Barrier barrier = new Barrier(N);
                assertThat(barrier.toString()).matches(REPR).contains("filling");

                List<Task<Integer>> waiters = new ArrayList<>();
                int incr = 2;
                for (int i = 0; i < incr; i++) {
                    waiters.add(createTask(barrier::await));
                }
                yieldOnce();
                assertThat(barrier.toString()).matches(REPR).contains("waiters:" + incr + "/" + N).contains("filling");

                // the missing waiters
                for (int i = barrier.parties() - barrier.nWaiting(); i > 0; i--) {
                    waiters.add(createTask(barrier::await));
                }
                yieldOnce();
                assertThat(barrier.toString()).matches(REPR).contains("draining");

                // some more waiters, then reset
                for (int i = 0; i < incr; i++) {
                    waiters.add(createTask(barrier::await));
                }
                yieldOnce();
                barrier.reset();
                assertThat(barrier.toString()).matches(REPR).contains("resetting");

                // some more waiters again, then abort
                for (int i = 0; i < incr; i++) {
                    waiters.add(createTask(barrier::await));
                }
                yieldOnce();
                barrier.abort();
                assertThat(barrier.toString()).matches(REPR).contains("broken");
                assertThat(barrier.isBroken()).isTrue();

                await(gather(true, waiters));
                return null;
            });
        }

        @Test
        void testBarrierParties() {
            assertThatThrownBy(() -> new Barrier(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Barrier(-4)).isInstanceOf(IllegalArgumentException.class);
            assertThat(new Barrier(N).parties()).isEqualTo(N);
        }

        @Test
        void testContextManager() {
            run(() -> {
                int n = 3;
                Barrier barrier = new Barrier(n);
                List<Integer> results = new ArrayList<>();
                gatherTasks(n, () -> {
                    results.add(barrier.await());
                    return null;
                });
                assertThat(results).containsExactlyInAnyOrder(0, 1, 2);
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testFillingOneTask() {
            run(() -> {
                Barrier barrier = new Barrier(1);
                assertThat(barrier.await()).isZero();
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testFillingOneTaskTwice() {
            run(() -> {
                Barrier barrier = new Barrier(1);
                Task<Integer> t1 = createTask(barrier::await);
                yieldOnce();
                assertThat(barrier.nWaiting()).isZero();

                Task<Integer> t2 = createTask(barrier::await);
                yieldOnce();

                assertThat(t1.result()).isEqualTo(t2.result());
                assertThat(t1.isDone()).isEqualTo(t2.isDone());
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testFillingTaskByTask() {
            run(() -> {
                int n = 3;
                Barrier barrier = new Barrier(n);
                Task<Integer> t1 = createTask(barrier::await);
                yieldOnce();
                assertThat(barrier.nWaiting()).isEqualTo(1);
                assertThat(barrier.toString()).contains("filling");

                Task<Integer> t2 = createTask(barrier::await);
                yieldOnce();
                assertThat(barrier.nWaiting()).isEqualTo(2);
                assertThat(barrier.toString()).contains("filling");

                Task<Integer> t3 = createTask(barrier::await);
                yieldOnce();

                Asyncio.wait(List.of(t1, t2, t3), null, ReturnWhen.ALL_COMPLETED);
                assertThat(List.of(t1.result(), t2.result(), t3.result())).containsExactly(0, 1, 2);
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testFillingTasksWaitTwice() {
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results = new ArrayList<>();
                gatherTasks(N, () -> {
                    barrier.await();
                    results.add(true);
                    barrier.await();
                    results.add(false);
                    return null;
                });
                assertThat(results).hasSize(N * 2);
                assertThat(Collections.frequency(results, true)).isEqualTo(N);
                assertThat(Collections.frequency(results, false)).isEqualTo(N);
                // every task passed the first barrier before any passed the second
                assertThat(results.subList(0, N)).containsOnly(true);
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testFillingTasksCheckReturnValue() {
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results1 = new ArrayList<>();
                List<Boolean> results2 = new ArrayList<>();
                List<Integer> res = gatherTasks(N, () -> {
                    barrier.await();
                    results1.add(true);
                    int i = barrier.await();
                    results2.add(true);
                    return i;
                });
                assertThat(results1).hasSize(N).containsOnly(true);
                assertThat(results2).hasSize(N).containsOnly(true);
                assertThat(res).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testDrainingState() {
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results = new ArrayList<>();
                gatherTasks(N, () -> {
                    barrier.await();
                    // the state goes back to filling when the last task leaves
                    results.add(barrier.toString().contains("draining"));
                    return null;
                });
                assertThat(results).containsExactly(true, true, true, true, false);
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testBlockingTasksWhileDraining() {
            run(() -> {
                int rewait = 2;
                Barrier barrier = new Barrier(N);
                Barrier barrierNowaiting = new Barrier(N - rewait);
                int[] rewaitN = {rewait};
                gatherTasks(N, () -> {
                    barrier.await();
                    if (rewaitN[0] > 0) {
                        rewaitN[0]--;
                        // wait again, only for the rewait tasks
                        barrier.await();
                    } else {
                        // wait for the end of the draining state
                        barrierNowaiting.await();
                        // wait for the other waiting tasks
                        barrier.await();
                    }
                    return null;
                });
                // success means barrierNowaiting was waited for by exactly N - rewait tasks
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrierNowaiting.nWaiting()).isZero();
                return null;
            });
        }

        @Test
        void testFillingTasksCancelOne() {
            run(() -> {
                int n = 3;
                Barrier barrier = new Barrier(n);
                List<Boolean> results = new ArrayList<>();
                Coroutine<Void> coro = () -> {
                    barrier.await();
                    results.add(true);
                    return null;
                };

                Task<Void> t1 = createTask(coro);
                yieldOnce();
                assertThat(barrier.nWaiting()).isEqualTo(1);

                Task<Void> t2 = createTask(coro);
                yieldOnce();
                assertThat(barrier.nWaiting()).isEqualTo(2);

                t1.cancel();
                yieldOnce();
                assertThat(barrier.nWaiting()).isEqualTo(1);
                assertThatThrownBy(() -> await(t1)).isInstanceOf(CancelledError.class);
                assertThat(t1.isCancelled()).isTrue();

                Task<Void> t3 = createTask(coro);
                yieldOnce();
                assertThat(barrier.nWaiting()).isEqualTo(2);

                Task<Void> t4 = createTask(coro);
                await(gather(t2, t3, t4));

                assertThat(results).hasSize(n).containsOnly(true);
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testResetBarrier() {
            run(() -> {
                Barrier barrier = new Barrier(1);
                createTask(() -> {
                    barrier.reset();
                    return null;
                });
                yieldOnce();
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testResetBarrierWhileTasksWaiting() {
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results = new ArrayList<>();
                List<Task<Void>> tasks = makeTasks(N - 1, () -> {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        results.add(true);
                    }
                    return null;
                });
                yieldOnce();

                createTask(() -> {
                    barrier.reset();
                    return null;
                });
                await(gather(tasks));

                assertThat(results).hasSize(N - 1).containsOnly(true);
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.toString()).doesNotContain("resetting");
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testResetBarrierWhenTasksHalfDraining() {
            // Adapted: Python reads the private barrier._count; the task that sees it equal to
            // rest_of_tasks is the (N - rest_of_tasks)-th to leave the barrier, counted here.
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results1 = new ArrayList<>();
                int restOfTasks = N / 2;
                int[] left = {0};
                gatherTasks(N, () -> {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        // the tasks still waiting are caught here
                        results1.add(true);
                        return null;
                    }
                    // a drained task, outside the barrier
                    if (++left[0] == N - restOfTasks) {
                        barrier.reset();
                    }
                    return null;
                });
                // the tasks not yet out of the draining barrier see the reset
                assertThat(results1).isEqualTo(Collections.nCopies(restOfTasks, true));
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.toString()).doesNotContain("resetting");
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testResetBarrierWhenTasksHalfDrainingHalfBlocking() {
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results1 = new ArrayList<>();
                List<Boolean> results2 = new ArrayList<>();
                int blockingTasks = N / 2;
                int[] count = {0};
                gatherTasks(N, () -> {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        // the tasks still waiting are caught here
                        results1.add(true);
                        // wait again, to reach the parties
                        barrier.await();
                        return null;
                    }
                    count[0]++;
                    if (count[0] > blockingTasks) {
                        // reset now: the waiting tasks get BrokenBarrierError
                        barrier.reset();
                        // wait again, to reach the parties
                        barrier.await();
                    } else {
                        try {
                            barrier.await();
                        } catch (BrokenBarrierError e) {
                            // no catch here: blocked tasks go on waiting
                            results2.add(true);
                        }
                    }
                    return null;
                });
                assertThat(results1).containsExactly(Collections.nCopies(blockingTasks, true).toArray(Boolean[]::new));
                assertThat(results2).isEmpty();
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.toString()).doesNotContain("resetting");
                assertThat(barrier.isBroken()).isFalse();
                return null;
            });
        }

        @Test
        void testResetBarrierWhileTasksWaitingAndWaitingAgain() {
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results1 = new ArrayList<>();
                List<Boolean> results2 = new ArrayList<>();
                List<Task<Void>> tasks = makeTasks(N - 1, () -> {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        results1.add(true);
                    } finally {
                        barrier.await();
                        results2.add(true);
                    }
                    return null;
                });

                // reset: the N-1 waiting tasks get BrokenBarrierError
                createTask(() -> {
                    barrier.reset();
                    return null;
                });
                yieldOnce();

                // completes the waiting tasks' second wait, in their finally
                createTask(() -> {
                    barrier.await();
                    results2.add(true);
                    return null;
                });
                await(gather(tasks));

                assertThat(barrier.isBroken()).isFalse();
                assertThat(results1).hasSize(N - 1).containsOnly(true);
                assertThat(results2).hasSize(N).containsOnly(true);
                assertThat(barrier.nWaiting()).isZero();
                return null;
            });
        }

        @Test
        void testResetBarrierWhileTasksDraining() {
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results1 = new ArrayList<>();
                List<Boolean> results2 = new ArrayList<>();
                List<Boolean> results3 = new ArrayList<>();
                int[] count = {0};
                gatherTasks(N, () -> {
                    barrier.await();
                    count[0]++;
                    if (count[0] == N) {
                        // the last task out of the barrier resets it
                        barrier.reset();
                        // and waits to reach the parties
                        barrier.await();
                    } else {
                        try {
                            // second wait
                            barrier.await();
                            // N-1 tasks get here
                            results1.add(true);
                        } catch (RuntimeException e) {
                            // never
                            results2.add(true);
                        }
                    }
                    // pass the barrier once more: the last wait must complete
                    barrier.await();
                    results3.add(true);
                    return null;
                });
                assertThat(barrier.isBroken()).isFalse();
                assertThat(results1).hasSize(N - 1).containsOnly(true);
                assertThat(results2).isEmpty();
                assertThat(results3).hasSize(N).containsOnly(true);
                assertThat(barrier.nWaiting()).isZero();
                return null;
            });
        }

        @Test
        void testAbortBarrier() {
            run(() -> {
                Barrier barrier = new Barrier(1);
                createTask(() -> {
                    barrier.abort();
                    return null;
                });
                yieldOnce();
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.isBroken()).isTrue();
                return null;
            });
        }

        @Test
        void testAbortBarrierWhenTasksHalfDrainingHalfBlocking() {
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results1 = new ArrayList<>();
                List<Boolean> results2 = new ArrayList<>();
                int blockingTasks = N / 2;
                int[] count = {0};
                gatherTasks(N, () -> {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        // tasks waiting for the drain are caught here
                        results1.add(true);
                        return null;
                    }
                    count[0]++;
                    if (count[0] > blockingTasks) {
                        // abort now: every task gets BrokenBarrierError
                        barrier.abort();
                    } else {
                        try {
                            barrier.await();
                        } catch (BrokenBarrierError e) {
                            // the blocked (already drained) tasks are caught here
                            results2.add(true);
                        }
                    }
                    return null;
                });
                assertThat(barrier.isBroken()).isTrue();
                assertThat(results1).isEqualTo(Collections.nCopies(blockingTasks, true));
                assertThat(results2).isEqualTo(Collections.nCopies(N - blockingTasks - 1, true));
                assertThat(barrier.nWaiting()).isZero();
                assertThat(barrier.toString()).doesNotContain("resetting");
                return null;
            });
        }

        @Test
        void testAbortBarrierWhenException() {
            // from threading.Barrier's lock_tests.test_reset
            run(() -> {
                Barrier barrier = new Barrier(N);
                List<Boolean> results1 = new ArrayList<>();
                List<Boolean> results2 = new ArrayList<>();
                gatherTasks(N, () -> {
                    try {
                        int i = barrier.await();
                        if (i == N / 2) {
                            throw new IllegalStateException("boom");
                        }
                        barrier.await();
                        results1.add(true);
                    } catch (BrokenBarrierError e) {
                        results2.add(true);
                    } catch (IllegalStateException e) {
                        barrier.abort();
                    }
                    return null;
                });
                assertThat(barrier.isBroken()).isTrue();
                assertThat(results1).isEmpty();
                assertThat(results2).hasSize(N - 1).containsOnly(true);
                assertThat(barrier.nWaiting()).isZero();
                return null;
            });
        }

        @Test
        void testAbortBarrierWhenExceptionThenResetting() {
            // from threading.Barrier's lock_tests.test_abort_and_reset
            run(() -> {
                Barrier barrier1 = new Barrier(N);
                Barrier barrier2 = new Barrier(N);
                List<Boolean> results1 = new ArrayList<>();
                List<Boolean> results2 = new ArrayList<>();
                List<Boolean> results3 = new ArrayList<>();
                gatherTasks(N, () -> {
                    try {
                        int i = barrier1.await();
                        if (i == N / 2) {
                            throw new IllegalStateException("boom");
                        }
                        barrier1.await();
                        results1.add(true);
                    } catch (BrokenBarrierError e) {
                        results2.add(true);
                    } catch (IllegalStateException e) {
                        barrier1.abort();
                    }
                    // Synchronise and reset barrier1: everyone must have left it before the reset,
                    // and nobody may enter it before.
                    int i = barrier2.await();
                    if (i == N / 2) {
                        barrier1.reset();
                    }
                    barrier2.await();
                    barrier1.await();
                    results3.add(true);
                    return null;
                });
                assertThat(barrier1.isBroken()).isFalse();
                assertThat(results1).isEmpty();
                assertThat(results2).hasSize(N - 1).containsOnly(true);
                assertThat(results3).hasSize(N).containsOnly(true);
                assertThat(barrier1.nWaiting()).isZero();
                return null;
            });
        }
    }
}
